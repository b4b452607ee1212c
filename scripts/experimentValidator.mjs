// @ts-check
// esbuild plugin: compiles schemas/experiment.schema.json into a standalone ajv validator at build time, served as
// the module `virtual:experiment-validator` (src/core/config/experimentValidator.d.ts). Compiling at run time cost
// ~100-200 ms at every trainer, CLI and extension start; the generated code loads in a few milliseconds.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VALIDATOR_MODULE = 'virtual:experiment-validator';

/** The generated ES module source (exports `validate`). */
export function experimentValidatorSource(root = process.cwd()) {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', 'experiment.schema.json'), 'utf8'));
  const ajv = new Ajv.default({
    code: { source: true, esm: true },
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  ajv.addKeyword({ keyword: 'x-applyDefault', schemaType: 'boolean' });
  // VS Code's JSON language service reads these two at the schema root (JSONC editing); ajv ignores them.
  ajv.addKeyword({ keyword: 'allowComments', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'allowTrailingCommas', schemaType: 'boolean' });
  // Snippets offered by editors (VS Code's JSON language service, SNN Lab's YAML completion); no validation meaning.
  ajv.addKeyword({ keyword: 'defaultSnippets', schemaType: 'array' });
  return standaloneCode.default(ajv, ajv.compile(schema));
}

/** @returns {import('esbuild').Plugin} */
export function experimentValidatorPlugin(root = process.cwd()) {
  return {
    name: 'experiment-validator',
    setup(build) {
      build.onResolve({ filter: /^virtual:experiment-validator$/ }, () => ({
        path: VALIDATOR_MODULE,
        namespace: 'experiment-validator',
      }));
      build.onLoad({ filter: /.*/, namespace: 'experiment-validator' }, () => ({
        contents: experimentValidatorSource(root),
        loader: 'js',
        resolveDir: root,
        watchFiles: [join(root, 'schemas', 'experiment.schema.json')],
      }));
    },
  };
}
