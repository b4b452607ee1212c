// package.json `contributes` <-> code: commands, menus, settings, views, context keys and files stay in step.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  COMMAND_IDS,
  type CommandId,
  CONTEXT_KEYS,
  WALKTHROUGH_ID,
  EXPERIMENT_ITEM_CONTEXT,
  RUN_ITEM_CONTEXT,
  VIEW_CONTAINER_ID,
  VIEW_IDS,
} from '../../../src/host/contributionIds';
import { SETTING_KEYS, SETTINGS_SECTION } from '../../../src/host/settings';

const root = process.cwd();
assert.ok(existsSync(join(root, 'package.json')), `run the tests from the repository root (cwd is ${root})`);

interface Manifest {
  icon?: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, unknown> };
    views: Record<string, { id: string; type?: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    viewsWelcome: { view: string; contents: string }[];
    jsonValidation: { fileMatch: string[]; url: string }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
    walkthroughs: {
      id: string;
      title: string;
      steps: {
        id: string;
        title: string;
        description: string;
        media: { image?: string; altText?: string };
        completionEvents: string[];
      }[];
    }[];
  };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const c = pkg.contributes;
const declaredCommands = new Set(c.commands.map((x) => x.command));
const declaredSettings = new Set(Object.keys(c.configuration.properties));

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|json)$/.test(name) ? [path] : [];
  });
}
const hostSources = [...sourceFiles(join(root, 'src/host')), join(root, 'src/extension.ts')].filter(
  existsSync,
);
const hostText = hostSources.map((f) => readFileSync(f, 'utf8')).join('\n');

test('every contributed command has a handler id and every handler id is contributed', () => {
  assert.deepEqual([...declaredCommands].sort(), [...COMMAND_IDS].sort());
  for (const cmd of c.commands) {
    assert.equal(cmd.category, 'SNN Lab', `${cmd.command} has category "SNN Lab"`);
    assert.match(cmd.command, /^snnLab\.[a-z][A-Za-z]+$/, 'ids are snnLab.verbNoun');
  }
});

test('every command referenced in a menu is declared', () => {
  for (const [menu, items] of Object.entries(c.menus)) {
    for (const item of items) {
      assert.ok(declaredCommands.has(item.command), `${menu} refers to ${item.command}`);
    }
  }
});

test('every setting the code knows is declared, and every declared setting is known', () => {
  const known = SETTING_KEYS.map((k) => `${SETTINGS_SECTION}.${k}`).sort();
  assert.deepEqual([...declaredSettings].sort(), known);
});

test('every configuration key spelled in src/host is declared', () => {
  const spelled = new Set<string>();
  for (const m of hostText.matchAll(/getConfiguration\(\s*'([^']+)'\s*\)/g)) spelled.add(m[1] ?? '');
  for (const m of hostText.matchAll(/affectsConfiguration\(\s*'([^']+)'/g)) spelled.add(m[1] ?? '');
  assert.ok(spelled.size > 0, 'the host reads its configuration somewhere');
  // VS Code's own settings SNN Lab reads (declared by VS Code, not by package.json).
  const vscodeOwn = new Set(['json.validate.enable']);
  for (const key of spelled) {
    const ok =
      key === SETTINGS_SECTION ||
      vscodeOwn.has(key) ||
      declaredSettings.has(key) ||
      [...declaredSettings].some((s) => s.startsWith(`${key}.`));
    assert.ok(ok, `configuration key "${key}" is declared in package.json`);
  }
});

test('views: container, runs tree and dashboard webview ids match the code', () => {
  assert.deepEqual(
    c.viewsContainers.activitybar.map((v) => v.id),
    [VIEW_CONTAINER_ID],
  );
  const views = c.views[VIEW_CONTAINER_ID] ?? [];
  assert.deepEqual(views.map((v) => v.id).sort(), Object.values(VIEW_IDS).sort());
  assert.equal(views.find((v) => v.id === VIEW_IDS.dashboard)?.type, 'webview');
  for (const w of c.viewsWelcome) assert.ok(Object.values<string>(VIEW_IDS).includes(w.view), w.view);
  const sidebar = join(root, 'src/host/webviews/sidebarView.ts');
  if (existsSync(sidebar)) {
    assert.match(
      readFileSync(sidebar, 'utf8'),
      new RegExp(`viewType\\s*=\\s*'${VIEW_IDS.dashboard.replace('.', '\\.')}'`),
    );
  }
});

test('when clauses use only known context keys, view ids and run item context values', () => {
  const whens = Object.values(c.menus).flatMap((items) => items.map((i) => i.when ?? ''));
  for (const when of whens) {
    for (const m of when.matchAll(/\bsnnLab\.[A-Za-z.]+/g)) {
      const key = m[0];
      const ok =
        Object.values<string>(CONTEXT_KEYS).includes(key) || Object.values<string>(VIEW_IDS).includes(key);
      assert.ok(ok, `when clause "${when}" uses ${key}`);
    }
    for (const m of when.matchAll(/viewItem == (\S+)/g)) assert.equal(m[1], EXPERIMENT_ITEM_CONTEXT, when);
    for (const m of when.matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)) {
      const re = new RegExp(m[1] ?? '');
      assert.ok(
        re.test(`${RUN_ITEM_CONTEXT}:finished`) || re.test(`${RUN_ITEM_CONTEXT}:running`),
        `${m[1]} matches run items`,
      );
    }
  }
  for (const key of Object.values(CONTEXT_KEYS)) {
    assert.ok(
      hostText.includes(
        `CONTEXT_KEYS.${Object.keys(CONTEXT_KEYS).find((k) => (CONTEXT_KEYS as Record<string, string>)[k] === key)}`,
      ),
      `${key} is set by the code`,
    );
  }
});

test('every snnLab.* command id spelled in host and webview code is declared', () => {
  const webviewText = sourceFiles(join(root, 'webview'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const others = new Set<string>([
    ...Object.values(VIEW_IDS),
    ...Object.values(CONTEXT_KEYS),
    'snnLab.dashboard',
    ...declaredSettings,
  ]);
  for (const m of `${hostText}\n${webviewText}`.matchAll(/'(snnLab\.[a-z][A-Za-z]+)'/g)) {
    const id = m[1] ?? '';
    assert.ok(
      declaredCommands.has(id) || others.has(id),
      `'${id}' is a declared command, view, context key or setting`,
    );
  }
});

test('activation never uses "*", and restricted settings exist', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  // Views, commands and languages generate their own events; a restored dashboard tab needs its serializer.
  assert.deepEqual(pkg.activationEvents, [
    'workspaceContains:**/*.snn.{json,yaml,yml}',
    'onWebviewPanel:snnLab.dashboard',
  ]);
  const panels = join(root, 'src/host/webviews/dashboardPanels.ts');
  assert.match(readFileSync(panels, 'utf8'), /viewType = 'snnLab\.dashboard'/);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  for (const key of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []) {
    assert.ok(declaredSettings.has(key), key);
  }
});

test('files referenced by contributions exist', () => {
  assert.ok(
    pkg.icon && /\.png$/.test(pkg.icon) && existsSync(join(root, pkg.icon)),
    `extension icon ${pkg.icon}`,
  );
  for (const container of c.viewsContainers.activitybar) {
    assert.ok(existsSync(join(root, container.icon)), container.icon);
  }
  for (const v of c.jsonValidation) {
    assert.deepEqual(v.fileMatch, ['*.snn.json']);
    assert.ok(existsSync(join(root, v.url)), `${v.url} exists`);
  }
  for (const v of c.yamlValidation) {
    assert.deepEqual(v.fileMatch, ['*.snn.yaml', '*.snn.yml']);
    assert.equal(v.url, c.jsonValidation[0]?.url, 'YAML and JSON files use the same schema');
  }
});

test('menus users look for: the editor run button and File > New File', () => {
  // Python files have their own entry (Run with SNN Lab, docs/pytorch.md); the rest are for experiment files.
  const run = (c.menus['editor/title/run'] ?? []).filter((i) => i.command !== 'snnLab.runPythonScript');
  assert.deepEqual(
    run.map((i) => i.command),
    ['snnLab.runExperiment', 'snnLab.runSweep', 'snnLab.probeAtInit'],
  );
  // Restricted Mode hides every run command (a run spawns a process): the run button included.
  for (const item of run) {
    assert.equal(item.when, 'resourceFilename =~ /\\.snn\\.(json|ya?ml)$/ && isWorkspaceTrusted');
  }
  assert.ok(
    !(c.menus['editor/title'] ?? []).some((i) => i.command === 'snnLab.runExperiment'),
    'no second Run',
  );
  assert.deepEqual(
    (c.menus['file/newFile'] ?? []).map((i) => i.command),
    ['snnLab.newExperiment'],
  );
});

test('Restricted Mode: every command that starts, stops or deletes runs is hidden from the palette and every menu', () => {
  // Typed against COMMAND_IDS: a renamed or removed command fails to compile here.
  const trainingCommands: readonly CommandId[] = [
    'snnLab.runPythonScript',
    'snnLab.runExperiment',
    'snnLab.runSweep',
    'snnLab.runStudy',
    'snnLab.runVariant',
    'snnLab.probeAtInit',
    'snnLab.stopRun',
    'snnLab.stopAll',
    'snnLab.deleteRun',
  ];
  const palette = pkg.contributes.menus.commandPalette ?? [];
  for (const command of trainingCommands) {
    const entry = palette.find((e) => e.command === command);
    assert.ok(entry, `${command} has a command palette entry`);
    assert.match(entry.when ?? '', /\bisWorkspaceTrusted\b/, `${command} is hidden in Restricted Mode`);
  }
  // The context and title menus too: a menu entry the host would refuse is an inconsistency a user meets first.
  for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
    for (const entry of entries ?? []) {
      if (!trainingCommands.includes(entry.command as CommandId)) continue;
      assert.match(
        entry.when ?? '',
        /\bisWorkspaceTrusted\b/,
        `${menu}: ${entry.command} is hidden in Restricted Mode`,
      );
    }
  }
});

test('the Get Started walkthrough: the tour’s steps, each with its image, a button and a completion event', () => {
  const [walkthrough] = c.walkthroughs;
  assert.equal(c.walkthroughs.length, 1);
  assert.equal(walkthrough?.id, WALKTHROUGH_ID);
  assert.deepEqual(
    walkthrough?.steps.map((s) => s.id),
    ['openExample', 'run', 'layers', 'theory', 'writeYourOwn'],
  );
  for (const step of walkthrough?.steps ?? []) {
    const image = step.media.image ?? '';
    assert.ok(
      existsSync(join(root, image)),
      `${step.id}: image ${image} exists (node scripts/listing-images.mjs)`,
    );
    assert.ok((step.media.altText ?? '').length > 20, `${step.id}: the image has alt text`);
    const [event] = step.completionEvents;
    if (step.id === 'openExample') {
      // Completes once the example is open (a context key Open Example sets), not when its picker opens.
      assert.equal(event, `onContext:${CONTEXT_KEYS.exampleOpened}`);
      assert.ok(step.description.includes('(command:snnLab.openExample)'), 'its button runs Open Example');
      continue;
    }
    const command = /^onCommand:(snnLab\.[A-Za-z]+)$/.exec(event ?? '')?.[1] ?? '';
    assert.ok(declaredCommands.has(command), `${step.id} completes on a declared command (${event})`);
    assert.ok(step.description.includes(`(command:${command})`), `${step.id}'s button runs ${command}`);
  }
});
