/**
 * A scripted stand-in for dist/trainer.js, for fast unit tests of TrainerProcess/RunManager logic (queueing,
 * crashes, protocol errors). The real trainer is exercised by test/trainer/**. Behaviour comes from FAKE_MODE.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = String.raw`
const mode = process.env.FAKE_MODE || 'normal';
const steps = Number(process.env.FAKE_STEPS || 5);
const send = (m) => process.send(m);
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', protocolVersion: mode === 'badversion' ? 999 : 1,
  backend: { name: 'cpu', versions: { fake: '1' } }, pid: process.pid });
if (mode === 'execargv') send({ type: 'log', level: 'info', message: 'execArgv ' + JSON.stringify(process.execArgv) });
if (mode === 'invalid') { send({ type: 'progress', step: 'x' }); send({ type: 'progress', step: 'y' }); send({ type: 'bogus' }); }
if (mode === 'manykinds') for (let i = 0; i < 500; i++) send({ type: 'kind-' + i + '-' + 'x'.repeat(1000) });
let stop = false;
let started = false;
process.on('message', (m) => {
  if (m.type === 'stop') { if (!started) process.exit(0); if (mode !== 'ignorestop') stop = true; return; }
  if (m.type !== 'start') return;
  started = true;
  const runId = m.runId;
  send({ type: 'started', runId, layers: [], totalSteps: steps, stepsPerEpoch: steps, features: 2, classes: 2,
    samples: { train: 8, validation: 0, test: 0 } });
  let step = 0;
  const timer = setInterval(() => {
    if (stop) { clearInterval(timer); send({ type: 'failed', runId, reason: 'stopped', message: 'stop requested' }); setTimeout(() => process.exit(0), 5); return; }
    if (mode === 'crash' && step === 2) process.exit(3);
    send({ type: 'progress', runId, step, epoch: 0, loss: 1 / (step + 1), samplesPerSec: 10 });
    step++;
    if (step === steps) {
      clearInterval(timer);
      send({ type: 'finished', runId, summary: { steps, epochs: 1, durationMs: 1, final: { loss: 0.1 }, test: {}, stoppedEarly: false, samplesPerSec: 10 } });
      setTimeout(() => process.exit(0), 5);
    }
  }, Number(process.env.FAKE_STEP_MS || 20));
});
`;

/** Writes the fake trainer to a temp directory and returns its path. */
export function writeFakeTrainer(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'snn-fake-trainer-')), 'trainer.js');
  writeFileSync(path, SCRIPT);
  return path;
}
