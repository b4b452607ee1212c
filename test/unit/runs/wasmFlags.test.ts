// The relaxed-SIMD flag probe (src/runs/wasmFlags.ts): the flag is passed only when the trainer's Node starts
// with it and then validates a relaxed-SIMD module; a Node that rejects it, lacks relaxed SIMD or cannot start gets
// none. Fake "Node" executables stand in for other engines; the real one must end up validating relaxed SIMD.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RELAXED_SIMD_FLAG, RELAXED_SIMD_PROBE, trainerWasmFlags } from '../../../src/runs/wasmFlags';

const dir = mkdtempSync(join(tmpdir(), 'snn-wasm-flags-'));

/** A fake Node: a shell script that behaves as the body says. */
function fakeNode(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('relaxed-SIMD flag probe', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the flag to a Node that accepts it and then validates relaxed SIMD', () => {
    const node = fakeNode('accepts', `[ "$1" = "${RELAXED_SIMD_FLAG}" ] && printf true`);
    assert.deepEqual(trainerWasmFlags(node), [RELAXED_SIMD_FLAG]);
  });

  it('passes nothing to a Node that rejects the flag (a V8 that retired it), lacks the feature or cannot start', () => {
    const rejects = fakeNode('rejects', `echo "node: bad option: $1" >&2; exit 9`);
    const lacks = fakeNode('lacks', 'printf false');
    for (const node of [rejects, lacks, join(dir, 'missing-node')]) {
      assert.deepEqual(trainerWasmFlags(node), []);
    }
  });

  it('asks an Electron binary to behave as Node (ELECTRON_RUN_AS_NODE=1), as child_process.fork does', () => {
    const electron = fakeNode('electron', '[ "$ELECTRON_RUN_AS_NODE" = 1 ] && printf true');
    assert.deepEqual(trainerWasmFlags(electron), [RELAXED_SIMD_FLAG]);
  });

  it('gives this Node the flags under which it validates relaxed SIMD', () => {
    const flags = trainerWasmFlags(process.execPath);
    const check = `process.stdout.write(String(WebAssembly.validate(Buffer.from('${RELAXED_SIMD_PROBE}', 'base64'))))`;
    const result = spawnSync(process.execPath, [...flags, '-e', check], { encoding: 'utf8' });
    assert.equal(result.stdout, 'true', `flags ${JSON.stringify(flags)}: ${result.stderr}`);
  });
});
