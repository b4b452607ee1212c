// @ts-check
// Compiles SNN Lab's wasm SIMD kernels (assembly/kernels.ts, AssemblyScript) to dist/wasm/snn-kernels.wasm and checks
// the binary is safe to instantiate on tfjs-backend-wasm's memory: it imports its memory and has no data segment
// (which would overwrite tfjs's heap at instantiation). Used by esbuild.mjs.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';

const OUT = 'dist/wasm/snn-kernels.wasm';

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

export async function buildKernels() {
  const { error, stderr } = await asc.main([
    'assembly/kernels.ts',
    '--outFile',
    OUT,
    '-O3',
    '--runtime',
    'stub',
    '--noAssert',
    '--importMemory',
    '--noExportMemory',
    '--initialMemory',
    '0',
    '--enable',
    'simd',
  ]);
  if (error) throw new Error(`assemblyscript: ${error.message}\n${stderr.toString()}`);
  const bytes = readFileSync(OUT);
  const module = new WebAssembly.Module(bytes);
  const memoryImported = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  const memoryExported = WebAssembly.Module.exports(module).some((e) => e.kind === 'memory');
  const DATA = 11;
  if (!memoryImported || memoryExported || sectionIds(bytes).includes(DATA)) {
    throw new Error(`${OUT} must import its memory and have no data segment`);
  }
}
