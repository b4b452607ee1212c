/**
 * The one place that picks the tfjs backend: tfjs-node ("tensorflow", optional native addon) when it loads, else
 * wasm (SIMD, single-threaded; .wasm files in dist/wasm), else the pure-JS cpu backend. Everything else uses the
 * `tf` object returned here, because tfjs-node brings its own copy of tfjs-core (a different engine).
 */
// Only the tfjs packages the trainer uses (not the `@tensorflow/tfjs` union, whose layers, converter, data and webgl
// parts added ~1.5 MB to the bundle): tfjs-core plus its gradients and chained ops, which tfjs-core registers only
// through these side-effect modules. esbuild.mjs resolves tfjs to its ES modules so they share one tfjs-core.
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { BackendInfo } from '../protocol/stats';
import { NATIVE_MODULES_ENV, type BackendChoice } from '../protocol/trainer';
import type { Tf } from './tf';
import { enableWasmKernels } from './wasmKernels';

export interface BackendHandle {
  tf: Tf;
  info: BackendInfo;
}

const CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const TFJS_NODE = '@tensorflow/tfjs-node';

/** Parses `--backend <choice>` from argv (default 'auto'); throws on an unknown value. */
export function backendFromArgv(argv: readonly string[]): BackendChoice {
  const index = argv.indexOf('--backend');
  if (index < 0) return 'auto';
  const value = argv[index + 1];
  if (!CHOICES.includes(value as BackendChoice)) {
    throw new Error(`--backend must be one of ${CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as BackendChoice;
}

/** The package itself is missing (not a file it requires, e.g. its native binding: that is a load failure). */
function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'MODULE_NOT_FOUND' &&
    String((error as Error).message).startsWith(`Cannot find module '${TFJS_NODE}'`)
  );
}

/**
 * Loads tfjs-node with a runtime require (esbuild leaves it external): first from the npm prefix the host names in
 * $SNN_LAB_NATIVE_MODULES (where "SNN Lab: Install Native Backend" installs it, in the extension's global storage,
 * so it survives extension updates), then from node_modules beside the trainer (a development checkout). Returns
 * its tf, or why it is not used.
 */
function loadTfjsNode(): { tf?: Tf; reason?: string } {
  const dir = process.env[NATIVE_MODULES_ENV];
  const places: { where: string; load: () => unknown }[] = [
    ...(dir ? [{ where: dir, load: () => createRequire(path.join(dir, 'package.json'))(TFJS_NODE) }] : []),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    { where: 'node_modules beside the trainer', load: () => require('@tensorflow/tfjs-node') },
  ];
  for (const place of places) {
    try {
      return { tf: place.load() as Tf };
    } catch (error) {
      if (isNotFound(error)) continue;
      return {
        reason: `tfjs-node failed to load from ${place.where}: ${(error as Error).message.split('\n')[0]}`,
      };
    }
  }
  return { reason: `tfjs-node not installed (looked in ${places.map((p) => p.where).join(' and ')})` };
}

/** Directory holding tfjs-backend-wasm*.wasm: dist/wasm next to the bundle (override: SNN_LAB_WASM_DIR). */
function wasmDir(): string {
  return process.env.SNN_LAB_WASM_DIR ?? path.join(__dirname, 'wasm');
}

async function tryWasm(): Promise<string | undefined> {
  try {
    setWasmPaths(wasmDir() + path.sep);
    const ok = await tfCore.setBackend('wasm');
    if (ok && tfCore.getBackend() === 'wasm') return undefined;
    return `wasm backend did not initialise (looked for .wasm files in ${wasmDir()})`;
  } catch (error) {
    return `wasm backend failed: ${(error as Error).message}`;
  }
}

async function useCpu(): Promise<void> {
  if (!(await tfCore.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
}

/**
 * Initialises the requested backend. 'auto' tries tensorflow, then wasm, then cpu and records why a preferred one
 * was skipped in `fallbackReason`. An explicit choice that fails throws (the user asked for it).
 */
export async function initBackend(choice: BackendChoice): Promise<BackendHandle> {
  const reasons: string[] = [];
  const versions: Record<string, string> = { 'tfjs-core': tfCore.version_core };
  if (choice === 'auto' || choice === 'tensorflow') {
    const loaded = loadTfjsNode();
    if (loaded.tf) {
      const tf = loaded.tf;
      await tf.ready();
      const nodeVersion = (tf as unknown as { version?: Record<string, string> }).version ?? {};
      const info: BackendInfo = {
        name: 'tensorflow',
        versions: { 'tfjs-core': tf.version_core, 'tfjs-node': nodeVersion['tfjs-node'] ?? 'unknown' },
      };
      return { tf, info };
    }
    if (choice === 'tensorflow') throw new Error(`backend tensorflow unavailable: ${loaded.reason}`);
    reasons.push(loaded.reason ?? 'tfjs-node unavailable');
  }
  if (choice === 'auto' || choice === 'wasm') {
    const failure = await tryWasm();
    if (failure === undefined) {
      const info: BackendInfo = {
        name: 'wasm',
        versions: { ...versions, 'tfjs-backend-wasm': version_wasm },
      };
      const kernels = enableWasmKernels(tfCore, wasmDir());
      if (kernels.ok) info.versions['snn-lab-kernels'] = kernels.variant;
      else reasons.push(`${kernels.reason}; using tfjs's own wasm kernels`);
      if (reasons.length > 0) info.fallbackReason = reasons.join('; ');
      return { tf: tfCore, info };
    }
    if (choice === 'wasm') throw new Error(failure);
    reasons.push(failure);
  }
  await useCpu();
  const info: BackendInfo = { name: 'cpu', versions: { ...versions, 'tfjs-backend-cpu': version_cpu } };
  if (reasons.length > 0) info.fallbackReason = reasons.join('; ');
  return { tf: tfCore, info };
}
