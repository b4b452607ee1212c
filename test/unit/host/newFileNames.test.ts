// New Experiment's names: a proposed file name no experiment of the folder uses, the new file named after itself,
// and the file whose experiment name a new one would repeat (their runs would share names).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/config/parse';
import {
  experimentName,
  freeFileName,
  nameClash,
  withExperimentName,
  type FolderFile,
} from '../../../src/host/templates/newFileNames';
import { TEMPLATES } from '../../../src/host/templates/templates';

// Bundled to out/test/unit/host/, so the repository root is four levels up.
const EXAMPLES = resolve(__dirname, '../../../../examples');
const examples: FolderFile[] = readdirSync(EXAMPLES)
  .filter((f) => /\.snn\./.test(f))
  .map((fileName) => ({ fileName, text: readFileSync(join(EXAMPLES, fileName), 'utf8') }));

test('next to examples/depth-sweep.snn.yaml, "Depth sweep" proposes depth-sweep-2.snn.json', () => {
  const template = TEMPLATES.find((t) => t.id === 'depth-sweep')!;
  assert.equal(template.fileName, 'depth-sweep.snn.json');
  assert.ok(examples.some((f) => f.fileName === 'depth-sweep.snn.yaml'));
  assert.equal(freeFileName(examples, template.fileName), 'depth-sweep-2.snn.json');
  // An empty folder keeps the template's name; -2 and -3 taken gives -4.
  assert.equal(freeFileName([], 'depth-sweep.snn.json'), 'depth-sweep.snn.json');
  const taken = ['depth-sweep.snn.json', 'depth-sweep-2.snn.yml', 'depth-sweep-3.snn.json'].map(
    (fileName) => ({
      fileName,
      text: '{}',
    }),
  );
  assert.equal(freeFileName(taken, 'depth-sweep.snn.json'), 'depth-sweep-4.snn.json');
});

test('a file whose experiment *name* is the stem takes it too (runs are named after it)', () => {
  const files = [{ fileName: 'other.snn.yaml', text: 'name: init-probe\n' }];
  assert.equal(freeFileName(files, 'init-probe.snn.json'), 'init-probe-2.snn.json');
  assert.equal(nameClash(files, 'init-probe'), 'other.snn.yaml');
  assert.equal(
    nameClash(files, 'init-probe', 'other.snn.yaml'),
    undefined,
    'a file does not clash with itself',
  );
  assert.equal(nameClash(files, 'something-else'), undefined);
  // Without `name`, a file's experiment name is its stem; a broken file counts by its stem as well.
  assert.equal(experimentName({ fileName: 'a.snn.json', text: '{ "seed": 1 }' }), 'a');
  assert.equal(experimentName({ fileName: 'b.snn.yaml', text: 'name: [' }), 'b');
});

test('every template renamed to its file stem still validates, comments and all', () => {
  for (const template of TEMPLATES) {
    const text = template.render(
      template.needsCsv ? { path: 'data.csv', target: 'y', task: 'classification' } : undefined,
    );
    const renamed = withExperimentName(text, 'my-run-2');
    assert.equal(renamed.split('\n')[0], text.split('\n')[0], `${template.id}: the comment header stays`);
    const parsed = parseExperiment(renamed, 'my-run-2.snn.json');
    assert.equal(parsed.file?.name, 'my-run-2', template.id);
  }
});
