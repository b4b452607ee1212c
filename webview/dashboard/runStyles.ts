/**
 * How each compared run is drawn in every chart: colour, dash pattern, marker and short label. By default a run's
 * colour is its stored slot (the same as in the sidebar); "Colour by" a key gives one colour per value of that key
 * and "Style by" a second key one dash pattern/marker per value. Past 12 runs without a choice, the key with the
 * most values (up to 12) colours and the next one styles. Runs that would share a colour get different dashes.
 */
import { nameValue, shortLabels, varyingKeys } from '../../src/core/runNames';
import type { RunId } from '../../src/protocol/ids';
import type { RunInfo } from '../../src/protocol/webview';
import type { MarkerShape } from '../shared/palette';
import { DASHES, MARKERS, PALETTE_SIZE } from '../shared/palette';
import type { Theme } from '../shared/theme';
import { runColor } from '../shared/theme';
import { flatten, runSetup } from './selectors';

export interface RunStyle {
  runId: RunId;
  /** Short label within the compared set; `name` is the full run name (tooltips). */
  label: string;
  name: string;
  color: string;
  dash: readonly number[];
  marker: MarkerShape;
  /** The colour group's title ("depth=32") when colouring by a key. */
  group?: string;
}

export interface StyleChoice {
  /** Key to colour by ('' = each run its own colour). */
  colorBy: string;
  /** Key to choose dash patterns/markers by ('' = only where colours repeat). */
  styleBy: string;
}

export interface RunStyles {
  /** In the order of the compared runs. */
  list: RunStyle[];
  byId: Map<RunId, RunStyle>;
  /** Keys whose value differs among the compared runs (choices for colour-by/style-by). */
  keys: string[];
  /** The keys actually used (a choice, or picked automatically past 12 runs). */
  colorKey: string;
  styleKey: string;
}

/** Keys taken from the run name rather than the config. */
const NAME_KEYS = new Set(['experiment', 'variant', 'repeat', 'fold', 'copy']);
const flatSetups = new WeakMap<object, Record<string, string>>();

/** A run's setup flattened to dotted keys: its config, or for runs from other sources model and hyperparameters. */
function flatSetup(info: RunInfo): Record<string, string> | undefined {
  const setup = info.config ?? info.model;
  if (!setup) return undefined;
  let flat = flatSetups.get(setup);
  if (!flat) {
    flat = flatten(runSetup(info));
    flatSetups.set(setup, flat);
  }
  return flat;
}

/** The value of `key` for a run: a name part (experiment, variant, repeat, fold) or a dotted setup key. */
export function keyValue(info: RunInfo, key: string): string {
  const flat = NAME_KEYS.has(key) ? undefined : flatSetup(info);
  return flat?.[key] ?? nameValue(info.name, key);
}

/** Config and name keys whose values differ among the runs ('name' and 'copy' excluded), name parts first. */
export function differingKeys(infos: readonly RunInfo[]): string[] {
  const keys = varyingKeys(infos).filter((k) => k !== 'copy');
  const setups = infos.map(flatSetup);
  if (setups.every((f) => f !== undefined) && infos.length > 1) {
    const all = new Set(setups.flatMap((f) => Object.keys(f ?? {})));
    for (const key of [...all].sort()) {
      if (key === 'name' || keys.includes(key)) continue;
      if (new Set(infos.map((i) => keyValue(i, key))).size > 1) keys.push(key);
    }
  }
  return keys;
}

/** Distinct values in display order: numbers numerically, otherwise as text. */
export function orderedValues(values: Iterable<string>): string[] {
  const list = [...new Set(values)];
  const numeric = list.every((v) => v !== '' && Number.isFinite(Number(v)));
  return list.sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

function autoKeys(infos: readonly RunInfo[], keys: readonly string[]): { color: string; style: string } {
  const counts = keys.map((k) => ({ k, n: new Set(infos.map((i) => keyValue(i, k))).size }));
  const color = counts.filter((c) => c.n <= PALETTE_SIZE).sort((a, b) => b.n - a.n)[0]?.k ?? '';
  const style =
    counts.filter((c) => c.k !== color && c.n <= DASHES.length).sort((a, b) => b.n - a.n)[0]?.k ?? '';
  return { color, style };
}

const short = (key: string): string => key.slice(key.lastIndexOf('.') + 1);

/**
 * The styles of the compared runs for `choice` (keys that no longer vary are ignored); `slots` are the runs' colour
 * slots (palette.ts slotsByCreation over every known run).
 */
export function runStyles(
  infos: readonly RunInfo[],
  theme: Theme,
  choice: StyleChoice,
  slots: ReadonlyMap<string, number> = new Map(),
): RunStyles {
  const keys = differingKeys(infos);
  let colorKey = keys.includes(choice.colorBy) ? choice.colorBy : '';
  let styleKey = keys.includes(choice.styleBy) && choice.styleBy !== colorKey ? choice.styleBy : '';
  if (!colorKey && !styleKey && infos.length > PALETTE_SIZE) {
    const auto = autoKeys(infos, keys);
    colorKey = auto.color;
    styleKey = auto.style;
  }
  const labels = shortLabels(infos);
  const colorValues = colorKey ? orderedValues(infos.map((i) => keyValue(i, colorKey))) : [];
  const styleValues = styleKey ? orderedValues(infos.map((i) => keyValue(i, styleKey))) : [];
  /** How many earlier runs share each colour: the k-th gets the k-th dash pattern. */
  const seen = new Map<string, number>();
  const list = infos.map((info, i): RunStyle => {
    const value = colorKey ? keyValue(info, colorKey) : '';
    const slot = colorKey ? colorValues.indexOf(value) : (info.color ?? slots.get(info.runId) ?? i);
    const color = runColor(theme, slot);
    const repeat = seen.get(color) ?? 0;
    seen.set(color, repeat + 1);
    const channel = styleKey ? styleValues.indexOf(keyValue(info, styleKey)) : repeat;
    return {
      runId: info.runId,
      label: labels[i] ?? info.name,
      name: info.name,
      color,
      dash: DASHES[channel % DASHES.length] ?? [],
      marker: MARKERS[channel % MARKERS.length] ?? 'circle',
      ...(colorKey ? { group: `${short(colorKey)}=${value === '' ? '—' : value}` } : {}),
    };
  });
  return { list, byId: new Map(list.map((s) => [s.runId, s])), keys, colorKey, styleKey };
}
