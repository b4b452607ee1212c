// The terminals' environment is filled in one place: each feature's part (the CLI's PATH entry, Python's
// PYTHONPATH and runs directory) survives the others' updates, shared variables get one joined mutator, and a
// conflicting value is refused without touching the collection. The collection here records mutators the way
// VS Code's does (one per variable; clear() drops all).
import assert from 'node:assert/strict';
import { delimiter } from 'node:path';
import { test } from 'node:test';
import { TerminalEnvironment, type TerminalCollection } from '../../../src/host/terminalEnvironment';

interface Mutator {
  kind: 'prepend' | 'replace';
  value: string;
}

function recordingCollection(): TerminalCollection & { vars: Map<string, Mutator> } {
  const vars = new Map<string, Mutator>();
  return {
    vars,
    description: undefined,
    clear: () => vars.clear(),
    prepend: (name: string, value: string) => void vars.set(name, { kind: 'prepend', value }),
    replace: (name: string, value: string) => void vars.set(name, { kind: 'replace', value }),
  };
}

const cli = { description: 'SNN Lab: CLI', prepend: { PATH: ['/store/bin'] } };
const python = {
  description: 'SNN Lab: Python',
  prepend: { PYTHONPATH: ['/ext/python'], PATH: ['/venv/bin'] },
  replace: { SNN_LAB_RUNS_DIR: '/work/.snn-lab/runs' },
};

test('two features keep each other: re-applying the CLI part at activation leaves the Python part', () => {
  const collection = recordingCollection();
  const terminal = new TerminalEnvironment(collection);
  terminal.set('cli', cli);
  terminal.set('python', python);
  terminal.set('cli', cli);
  assert.deepEqual(Object.fromEntries(collection.vars), {
    PATH: { kind: 'prepend', value: `/store/bin${delimiter}/venv/bin${delimiter}` },
    PYTHONPATH: { kind: 'prepend', value: `/ext/python${delimiter}` },
    SNN_LAB_RUNS_DIR: { kind: 'replace', value: '/work/.snn-lab/runs' },
  });
  assert.equal(collection.description, 'SNN Lab: CLI; SNN Lab: Python');
});

test('removing a part removes only its variables', () => {
  const collection = recordingCollection();
  const terminal = new TerminalEnvironment(collection);
  terminal.set('cli', cli);
  terminal.set('python', python);
  terminal.set('python', undefined);
  assert.deepEqual(Object.fromEntries(collection.vars), {
    PATH: { kind: 'prepend', value: `/store/bin${delimiter}` },
  });
  terminal.set('cli', undefined);
  assert.equal(collection.vars.size, 0);
  assert.equal(collection.description, undefined);
});

test('a second feature setting a variable to another value is refused and changes nothing', () => {
  const collection = recordingCollection();
  const terminal = new TerminalEnvironment(collection);
  terminal.set('python', python);
  const before = structuredClone(Object.fromEntries(collection.vars));
  assert.throws(
    () => terminal.set('other', { description: 'x', replace: { SNN_LAB_RUNS_DIR: '/elsewhere' } }),
    /other and python both set SNN_LAB_RUNS_DIR/,
  );
  assert.deepEqual(Object.fromEntries(collection.vars), before);
  terminal.set('python', { ...python, replace: { SNN_LAB_RUNS_DIR: '/moved' } });
  assert.equal(
    collection.vars.get('SNN_LAB_RUNS_DIR')?.value,
    '/moved',
    'a feature may change its own value',
  );
});
