// Where the trainer finds native TensorFlow (@tensorflow/tfjs-node), proved offline with locally packed STAND-INS
// (the real package downloads libtensorflow): first the npm prefix named by $SNN_LAB_NATIVE_MODULES (global
// storage, filled by "SNN Lab: Install Native Backend"), then node_modules beside the trainer; a package that
// fails to load is reported, never silently skipped.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { installNativeBackend } from '../../src/runs/nativeInstaller';
import { asRunId } from '../../src/protocol/ids';
import { NATIVE_MODULES_ENV } from '../../src/protocol/trainer';
import { forkTrainer, REPO_ROOT, smallConfig, TRAINER_JS, within } from './helpers/forkTrainer';
import { BROKEN_INDEX, packStandIn, workingStandInSource, writeStandIn } from './helpers/standIn';

const root = mkdtempSync(path.join(tmpdir(), 'snn-native-backend-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** npm settings that keep the installs offline (a registry nobody listens on; local tarballs need none). */
const npmEnv = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };

async function install(name: string, indexJs: string): Promise<string> {
  const prefix = path.join(root, name);
  await installNativeBackend({ prefix, spec: packStandIn(indexJs), env: npmEnv, log: () => {} });
  return prefix;
}

async function ready(options: { env?: Record<string, string>; trainerPath?: string; backend?: string }) {
  const run = forkTrainer(options);
  const first = await within(
    Promise.race([run.waitFor('ready'), run.exited.then(() => undefined)]),
    60_000,
    'ready',
  );
  run.child.kill();
  await run.exited;
  return { ready: first };
}

describe('native backend lookup (stand-in tfjs-node packages)', () => {
  it('a stand-in installed into the prefix named by SNN_LAB_NATIVE_MODULES is used, and a run trains on it', async () => {
    const prefix = await install('storage', workingStandInSource('stand-in from global storage'));
    const runDir = path.join(root, 'run');
    const run = forkTrainer({
      env: { [NATIVE_MODULES_ENV]: prefix },
      start: {
        runId: asRunId('native-run'),
        mode: 'train',
        config: smallConfig(),
        baseDir: REPO_ROOT,
        runDir,
      },
    });
    assert.equal(await within(run.exited, 120_000, 'trainer exit'), 0);
    const readyMessage = run.messages.find((m) => m.type === 'ready');
    assert.ok(readyMessage?.type === 'ready');
    assert.equal(readyMessage.backend.name, 'tensorflow');
    assert.equal(readyMessage.backend.versions['tfjs-node'], 'stand-in from global storage');
    assert.equal(readyMessage.backend.fallbackReason, undefined);
    assert.equal(run.messages.at(-1)?.type, 'finished', 'the run trained on the loaded module');
  });

  it('load order with stand-ins in both places: the prefix first, node_modules beside the trainer second', async () => {
    const prefix = await install('order', workingStandInSource('stand-in from the prefix'));
    // A copy of the trainer with a stand-in in node_modules beside it (as in a development checkout).
    const ext = path.join(root, 'ext');
    mkdirSync(path.join(ext, 'dist'), { recursive: true });
    const trainerPath = path.join(ext, 'dist', 'trainer.js');
    copyFileSync(TRAINER_JS, trainerPath);
    writeStandIn(
      path.join(ext, 'node_modules', '@tensorflow', 'tfjs-node'),
      workingStandInSource('stand-in beside the trainer'),
    );
    const both = await ready({ trainerPath, env: { [NATIVE_MODULES_ENV]: prefix } });
    assert.ok(both.ready?.type === 'ready');
    assert.equal(both.ready.backend.versions['tfjs-node'], 'stand-in from the prefix');
    const besideOnly = await ready({ trainerPath, env: { [NATIVE_MODULES_ENV]: path.join(root, 'empty') } });
    assert.ok(besideOnly.ready?.type === 'ready');
    assert.equal(besideOnly.ready.backend.versions['tfjs-node'], 'stand-in beside the trainer');
  });

  it('a stand-in that fails to load: auto falls back to wasm naming the error; an explicit tensorflow fails', async () => {
    const prefix = path.join(root, 'broken');
    writeStandIn(path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node'), BROKEN_INDEX);
    const auto = await ready({ env: { [NATIVE_MODULES_ENV]: prefix } });
    assert.ok(auto.ready?.type === 'ready');
    assert.equal(auto.ready.backend.name, 'wasm');
    assert.match(
      auto.ready.backend.fallbackReason ?? '',
      new RegExp(`tfjs-node failed to load from ${prefix.replace(/[/\\]/g, '.')}: .*libtensorflow\\.so\\.2`),
    );
    const explicit = forkTrainer({ backend: 'tensorflow', env: { [NATIVE_MODULES_ENV]: prefix } });
    const code = await within(explicit.exited, 60_000, 'exit');
    assert.equal(code, 1, 'an explicit --backend tensorflow that cannot load is an error, not a fallback');
    const log = explicit.messages.find((m) => m.type === 'log');
    assert.ok(log?.type === 'log');
    assert.match(
      log.message,
      /^trainer: backend tensorflow unavailable: tfjs-node failed to load from .*libtensorflow/,
    );
  });

  it('no tfjs-node anywhere: the reason names every place looked in', async () => {
    const empty = path.join(root, 'nothing-here');
    const result = await ready({ env: { [NATIVE_MODULES_ENV]: empty } });
    assert.ok(result.ready?.type === 'ready');
    assert.equal(result.ready.backend.name, 'wasm');
    assert.equal(
      result.ready.backend.fallbackReason?.split(';')[0],
      `tfjs-node not installed (looked in ${empty} and node_modules beside the trainer)`,
    );
  });
});
