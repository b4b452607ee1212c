/**
 * Short run labels for every view (sidebar, Runs tree, dashboard header, legends, pickers, chart titles): the run
 * name split into its parts (experiment, variant, sweep keys, fold, repeat) and only the parts that differ within
 * the shown set, e.g. "depth=32 · relu". Two different runs never get the same label. Pure; see docs/dashboard.md.
 */

/** One part of a run name: "experiment", "variant", a sweep key such as "model.depth", "fold", "repeat" or "copy". */
export interface NameToken {
  key: string;
  value: string;
}

/** What a label is made from: the run's name, its id and creation time (to tell re-runs of one plan apart). */
export interface NamedRun {
  runId: string;
  name: string;
  createdAt?: string;
}

const SWEEP_SEGMENT = /^[^=,/]+=/;
/** A comma that starts the next `key=value` pair (values may hold commas: "a=x,y,b=2" is a=x,y and b=2). */
const PAIR_SPLIT = /,(?=[^,=]+=)/;

/**
 * The parts of a run name `<experiment>[/<variant>][/<key>=<value>,...][/fold=<k>]` (docs/experiment-format.md),
 * with a clash suffix `~<n>` and a repeat suffix `#r<i>` recognised on any segment.
 */
export function nameTokens(name: string): readonly NameToken[] {
  let tokens = tokenCache.get(name);
  if (!tokens) {
    if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.clear();
    tokens = parseTokens(name);
    tokenCache.set(name, tokens);
  }
  return tokens;
}

/** Names whose parts are kept: labelling 500 runs asks for each name's parts ~5 times (sidebar, Runs tree). */
const TOKEN_CACHE_SIZE = 10_000;
const tokenCache = new Map<string, readonly NameToken[]>();

function parseTokens(name: string): readonly NameToken[] {
  const [experiment = '', ...rest] = name.split('/');
  const tokens: NameToken[] = [{ key: 'experiment', value: experiment }];
  const tail: NameToken[] = [];
  for (let segment of rest) {
    const repeat = /#r(\d+)$/.exec(segment);
    if (repeat) {
      tail.push({ key: 'repeat', value: repeat[1] as string });
      segment = segment.slice(0, repeat.index);
    }
    const copy = /~(\d+)$/.exec(segment);
    if (copy) {
      tail.push({ key: 'copy', value: copy[1] as string });
      segment = segment.slice(0, copy.index);
    }
    if (SWEEP_SEGMENT.test(segment)) {
      for (const pair of segment.split(PAIR_SPLIT)) {
        const eq = pair.indexOf('=');
        tokens.push({ key: pair.slice(0, eq), value: pair.slice(eq + 1) });
      }
    } else if (segment !== '') {
      tokens.push({ key: 'variant', value: segment });
    }
  }
  return [...tokens, ...tail];
}

/** The last dotted part of a key ("model.depth" -> "depth"), or the whole key when that part is shared. */
function keyNames(keys: readonly string[]): Map<string, string> {
  const last = (k: string): string => k.slice(k.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(last(k), (counts.get(last(k)) ?? 0) + 1);
  return new Map(keys.map((k) => [k, (counts.get(last(k)) ?? 0) > 1 ? k : last(k)]));
}

const PLAIN = /^[A-Za-z][\w+.-]{0,23}$/;

/** One part of a label: numbers as `depth=32`, short words alone (`relu`), repeats `r2`, folds `fold 3`, absent `no depth`. */
function formatToken(key: string, shortKey: string, value: string): string {
  if (value === '') return `no ${shortKey}`;
  switch (key) {
    case 'experiment':
    case 'variant':
      return value;
    case 'repeat':
      return `r${value}`;
    case 'fold':
      return `fold ${value}`;
    case 'copy':
      return `~${value}`;
    default:
      return PLAIN.test(value) && value !== 'true' && value !== 'false' ? value : `${shortKey}=${value}`;
  }
}

/** The name keys whose values differ between the runs, in order of first appearance. */
export function varyingKeys(runs: readonly NamedRun[]): string[] {
  const tokenLists = runs.map((r) => nameTokens(r.name));
  const keys = [...new Set(tokenLists.flatMap((t) => t.map((x) => x.key)))];
  return keys.filter((key) => {
    const values = new Set(tokenLists.map((t) => t.find((x) => x.key === key)?.value ?? ''));
    return values.size > 1;
  });
}

/** A run name's experiment: the part before the first '/' (as nameValue(name, 'experiment'), without parsing the rest). */
export function experimentOf(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? name : name.slice(0, slash);
}

/** The value of name key `key` in a run's name ('' when the name has no such part). */
export function nameValue(name: string, key: string): string {
  return nameTokens(name).find((t) => t.key === key)?.value ?? '';
}

function labelsWith(runs: readonly NamedRun[], keys: readonly string[]): string[] {
  const names = keyNames(keys);
  return runs.map((run) => {
    const tokens = nameTokens(run.name);
    return keys
      .map((key) => formatToken(key, names.get(key) ?? key, tokens.find((t) => t.key === key)?.value ?? ''))
      .join(' · ');
  });
}

/** "HH:MM:SS" of an ISO time in local time ('' when it does not parse). */
function clock(iso: string | undefined): string {
  const t = iso === undefined ? NaN : Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Appends `extra(run)` to labels that are shared by more than one run. */
function disambiguate(labels: string[], runs: readonly NamedRun[], extra: (r: NamedRun) => string): string[] {
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  return labels.map((l, i) => {
    if ((count.get(l) ?? 0) < 2) return l;
    const add = extra(runs[i] as NamedRun);
    return add === '' ? l : l === '' ? add : `${l} · ${add}`;
  });
}

const allDistinct = (labels: readonly string[]): boolean => new Set(labels).size === labels.length;

/**
 * Short labels for runs shown together, in the same order: the name parts that differ within the set; for one run
 * (or runs of one plan) all parts but the experiment. Re-runs of the same plan get their creation time, and
 * as a last resort the end of the run id, so no two runs share a label.
 */
export function shortLabels(runs: readonly NamedRun[]): string[] {
  if (runs.length === 0) return [];
  const varying = varyingKeys(runs);
  // Nothing differs (one run, or re-runs of one plan): every part but the experiment, else the experiment.
  const own = [...new Set(runs.flatMap((r) => nameTokens(r.name).map((t) => t.key)))].filter(
    (k) => k !== 'experiment',
  );
  const keys = varying.length > 0 ? varying : own.length > 0 ? own : ['experiment'];
  // Each part's text is one-to-one with its value (a word cannot contain '=' or a space), so runs that differ in
  // their names get different labels; only re-runs of one plan need more.
  let labels = labelsWith(runs, keys);
  if (!allDistinct(labels)) labels = disambiguate(labels, runs, (r) => clock(r.createdAt));
  if (!allDistinct(labels)) labels = disambiguate(labels, runs, (r) => r.runId);
  return labels;
}

/** Labels for runs listed by experiment (sidebar, Runs tree, run pickers): short labels within each experiment. */
export function labelsByExperiment(runs: readonly NamedRun[]): Map<string, string> {
  const groups = new Map<string, NamedRun[]>();
  for (const run of runs) {
    const experiment = experimentOf(run.name);
    const list = groups.get(experiment) ?? [];
    list.push(run);
    groups.set(experiment, list);
  }
  const out = new Map<string, string>();
  for (const list of groups.values()) {
    const labels = shortLabels(list);
    list.forEach((run, i) => out.set(run.runId, labels[i] as string));
  }
  return out;
}
