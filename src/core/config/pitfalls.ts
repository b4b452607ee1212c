/**
 * SNN pitfall checks on one resolved run: combinations that silently break self-normalisation (Klambauer et al.
 * 2017, "Self-Normalizing Neural Networks"; numbers from docs/snn-spec.md and docs/tfjs.md). Each finding
 * names the config path to change and the value that fixes it, for quick fixes in the editor.
 */

/** One pitfall found in a run configuration. */
export interface Pitfall {
  code: string;
  /** Config path of the offending value, e.g. ['model', 'init']. */
  path: string[];
  message: string;
  fix: { title: string; value: unknown };
}

interface RunLike {
  data?: { standardize?: boolean };
  model?: {
    activation?: string;
    init?: string;
    normalization?: string;
    dropout?: { kind?: string; rate?: number };
  };
}

const INIT_MESSAGES: Record<string, string> = {
  he_normal:
    'SELU with he_normal init: weight variance 2/fan_in (instead of 1/fan_in) pushes activations away from the self-normalizing fixed point (0, 1)',
  glorot_uniform:
    'SELU with glorot_uniform init: weight variance 2/(fan_in+fan_out) equals 1/fan_in only for square layers, so activations drift from the fixed point (0, 1)',
  tfjs_lecun_normal:
    "SELU with tfjs_lecun_normal init: tfjs's truncated normal has variance 0.77/fan_in, not 1/fan_in, so deep SELU nets never reach the fixed point (activation variance about 0.36 at layer 32)",
};

/** Highest alpha-dropout rate that keeps activations near the fixed point; the paper uses 0.05 or 0.1. */
export const MAX_ALPHA_DROPOUT_RATE = 0.2;

/** Lists the SNN pitfalls of one resolved run configuration. */
export function findPitfalls(run: RunLike): Pitfall[] {
  const found: Pitfall[] = [];
  const model = run.model ?? {};
  const selu = model.activation === 'selu';
  const initMessage = INIT_MESSAGES[model.init ?? ''];
  if (selu && initMessage) {
    found.push({
      code: 'selu-init',
      path: ['model', 'init'],
      message: `${initMessage}. Use lecun_normal.`,
      fix: { title: 'Use lecun_normal', value: 'lecun_normal' },
    });
  }
  const dropout = model.dropout ?? {};
  if (selu && dropout.kind === 'standard' && (dropout.rate ?? 0) > 0) {
    found.push({
      code: 'selu-standard-dropout',
      path: ['model', 'dropout', 'kind'],
      message:
        'SELU with standard dropout: zeroed units shift mean and variance away from the fixed point. Use alpha dropout.',
      fix: { title: 'Use alpha dropout', value: 'alpha' },
    });
  }
  if (selu && model.normalization === 'batchnorm') {
    found.push({
      code: 'selu-batchnorm',
      path: ['model', 'normalization'],
      message:
        'SELU with batchnorm: a self-normalizing network needs no batch normalization, which only adds batch noise and cost. Use normalization "none".',
      fix: { title: 'Use normalization "none"', value: 'none' },
    });
  }
  if (dropout.kind === 'alpha' && (dropout.rate ?? 0) > MAX_ALPHA_DROPOUT_RATE) {
    found.push({
      code: 'alpha-dropout-rate',
      path: ['model', 'dropout', 'rate'],
      message: `Alpha dropout rate ${String(dropout.rate)} is above ${MAX_ALPHA_DROPOUT_RATE}: the SNN paper recommends 0.05 or 0.1.`,
      fix: { title: 'Use rate 0.1', value: 0.1 },
    });
  }
  if (selu && run.data?.standardize === false) {
    found.push({
      code: 'selu-unstandardized',
      path: ['data', 'standardize'],
      message:
        'SELU with unstandardized inputs: self-normalization assumes inputs with mean 0 and variance 1. Set data.standardize to true.',
      fix: { title: 'Standardize inputs', value: true },
    });
  }
  return found;
}
