// Mocha entry point loaded by the VS Code extension host (extensionTestsPath): runs every *.test.js next to it
// and resolves or rejects, which the workbench reports through window.codeAutomationExit (docs/e2e-notes.md §4).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Called by the extension host once the development extension is loaded. */
export async function run(): Promise<void> {
  // The host's console.* do not printf-format and cannot be replaced, so the reporter gets its own printer.
  (Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void }).consoleLog = (...args) =>
    console.log(
      format(...args)
        .split('\n')
        .map((line) => `[mocha] ${line}`)
        .join('\n'),
    );
  const grep = process.env.SNN_LAB_E2E_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
  for (const name of readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(join(__dirname, name));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
