// @ts-check
// Compiles SNN Lab's wasm SIMD kernels (assembly/kernels.ts, AssemblyScript) twice: dist/wasm/snn-kernels.wasm with
// SIMD, and dist/wasm/snn-kernels-relaxed.wasm with relaxed SIMD too (fused multiply-add in the products). Checks each
// binary is safe to instantiate on tfjs-backend-wasm's memory (it imports its memory and has no data segment, which
// would overwrite tfjs's heap at instantiation) and that the plain one needs no relaxed SIMD. Used by esbuild.mjs.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const VARIANTS = [
  { out: 'dist/wasm/snn-kernels.wasm', features: 'simd', relaxed: false },
  { out: 'dist/wasm/snn-kernels-relaxed.wasm', features: 'simd,relaxed-simd', relaxed: true },
];

/**
 * Section ids present in a wasm binary (https://webassembly.github.io/spec/core/binary/modules.html).
 * @param {Uint8Array} bytes
 * @returns {number[]}
 */
function sectionIds(bytes) {
  const ids = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

/**
 * @param {{ out: string, features: string }} variant
 */
async function compile({ out, features }) {
  const { error, stderr } = await asc.main([
    'assembly/kernels.ts',
    '--outFile',
    out,
    '-O3',
    '--runtime',
    'stub',
    '--noAssert',
    '--importMemory',
    '--noExportMemory',
    '--initialMemory',
    '0',
    '--enable',
    features,
  ]);
  if (error) throw new Error(`assemblyscript: ${error.message}\n${stderr.toString()}`);
}

/**
 * @param {{ out: string, relaxed: boolean }} variant
 */
function check({ out, relaxed }) {
  const bytes = readFileSync(out);
  if (!relaxed && !WebAssembly.validate(bytes)) throw new Error(`${out} does not validate with plain SIMD`);
  if (relaxed) {
    // Node 20 validates relaxed SIMD only behind this V8 flag (set for this build process only).
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  const module = new WebAssembly.Module(bytes);
  const memoryImported = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  const memoryExported = WebAssembly.Module.exports(module).some((e) => e.kind === 'memory');
  const DATA = 11;
  if (!memoryImported || memoryExported || sectionIds(bytes).includes(DATA)) {
    throw new Error(`${out} must import its memory and have no data segment`);
  }
}

export async function buildKernels() {
  for (const variant of VARIANTS) await compile(variant);
  // The plain module first: its check must not see the relaxed-SIMD flag.
  for (const variant of VARIANTS) check(variant);
}
