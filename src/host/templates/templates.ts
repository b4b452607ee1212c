/**
 * Starting points offered by "New Experiment": JSON-with-comments experiment files that validate without
 * problems (test/unit/host/templates.test.ts). vscode-free.
 */
import { parse } from 'csv-parse/sync';

export interface CsvChoice {
  /** CSV path relative to the new experiment file (forward slashes). */
  path: string;
  /** Target column: header name or 0-based index. */
  target: string | number;
  task: 'classification' | 'regression';
}

export interface Template {
  id: 'snn-vs-relu-mnist' | 'depth-sweep' | 'csv-kfold' | 'init-probe';
  label: string;
  detail: string;
  /** Suggested file name. */
  fileName: string;
  /** True when the template needs a CSV file chosen by the user. */
  needsCsv: boolean;
  render(csv?: CsvChoice): string;
}

const json = (value: unknown): string => JSON.stringify(value);

export const TEMPLATES: readonly Template[] = [
  {
    id: 'snn-vs-relu-mnist',
    label: 'SNN vs ReLU+BatchNorm on MNIST',
    detail:
      'Same 8-layer net twice: SELU + LeCun-normal init versus ReLU + batch normalization, on 2,000 MNIST digits.',
    fileName: 'snn-vs-relu.snn.json',
    needsCsv: false,
    render:
      () => `// SNN Lab experiment: a self-normalizing net (SELU, LeCun-normal init, alpha-dropout) against ReLU with
// batch normalization. Click "Run" above; both variants train and their layer statistics stream into the dashboard.
{
  "name": "snn-vs-relu",
  "seed": 1,
  "data": { "source": "mnist", "samples": 2000, "split": { "test": 0.2, "validation": 0.1 } },
  "model": {
    "depth": 8,
    "width": 64,
    "activation": "selu",
    "init": "lecun_normal",
    "dropout": { "kind": "alpha", "rate": 0.05 }
  },
  "train": { "optimizer": "adam", "learningRate": 0.001, "batchSize": 64, "epochs": 10 },
  "stats": { "everySteps": 20 },
  "variants": {
    "SNN": {},
    "ReLU+BN": {
      "model": { "activation": "relu", "init": "he_normal", "normalization": "batchnorm", "dropout": { "kind": "standard", "rate": 0.05 } }
    }
  }
}
`,
  },
  {
    id: 'depth-sweep',
    label: 'Depth sweep',
    detail:
      'SELU and ReLU nets of depth 4, 8, 16 and 32 on a synthetic spiral task: where does each stop training?',
    fileName: 'depth-sweep.snn.json',
    needsCsv: false,
    render:
      () => `// SNN Lab experiment: the same task at growing depth. Self-normalizing nets keep activations near mean 0 and
// variance 1 in every layer, so they stay trainable when plain ReLU nets stall. "Run sweep" starts all 8 runs.
{
  "name": "depth-sweep",
  "seed": 1,
  "data": { "source": "synthetic", "kind": "spirals", "samples": 1500, "features": 2, "classes": 3, "noise": 0.1 },
  "model": { "width": 32, "activation": "selu", "init": "lecun_normal" },
  "train": { "optimizer": "sgd", "learningRate": 0.02, "batchSize": 64, "epochs": 8 },
  "stats": { "everySteps": 25 },
  "variants": {
    "SELU": {},
    "ReLU": { "model": { "activation": "relu", "init": "he_normal" } }
  },
  "sweep": { "model.depth": [4, 8, 16, 32] }
}
`,
  },
  {
    id: 'csv-kfold',
    label: 'CSV table with k-fold cross-validation',
    detail:
      'Your own CSV file: standardized features, 5 folds, a self-normalizing net. You pick the file and target.',
    fileName: 'tabular.snn.json',
    needsCsv: true,
    render: (csv) => {
      const choice = csv ?? { path: 'data.csv', target: -1, task: 'classification' };
      return `// SNN Lab experiment on a CSV table. Features are standardized with training-part statistics (the SNN recipe);
// each of the 5 folds becomes one run, and the test part (20 %) is held out from all of them.
{
  "name": "tabular",
  "seed": 1,
  "data": {
    "source": "csv",
    "path": ${json(choice.path)},
    "header": true,
    "target": ${json(choice.target)},
    "task": ${json(choice.task)},
    "standardize": true,
    "split": { "test": 0.2, "folds": 5, "stratify": ${choice.task === 'classification'} }
  },
  "model": {
    "depth": 6,
    "width": 64,
    "shape": "conic",
    "activation": "selu",
    "init": "lecun_normal",
    "dropout": { "kind": "alpha", "rate": 0.05 }
  },
  "train": { "optimizer": "adam", "learningRate": 0.001, "batchSize": 32, "epochs": 30, "earlyStopping": { "metric": "val_loss", "patience": 5 } },
  "stats": { "everySteps": 20 }
}
`;
    },
  },
  {
    id: 'init-probe',
    label: 'Initialisation probe',
    detail:
      'No training: forward one batch through fresh 64-layer nets and watch mean/variance per layer ("Probe at init").',
    fileName: 'init-probe.snn.json',
    needsCsv: false,
    render:
      () => `// SNN Lab experiment for "Probe at init": each variant is built fresh and one batch of standardized inputs is
// forwarded, without training. SELU with LeCun-normal weights converges to mean 0, variance 1 in every layer;
// the others drift or collapse with depth. Compare the curves on the dashboard's Layers tab.
{
  "name": "init-probe",
  "seed": 1,
  "data": { "source": "synthetic", "kind": "blobs", "samples": 2048, "features": 64, "classes": 4, "noise": 1 },
  "model": { "width": 256, "activation": "selu", "init": "lecun_normal" },
  "train": { "epochs": 1 },
  "stats": { "everySteps": 1 },
  "variants": {
    "SELU + LeCun normal": {},
    "ReLU + He normal": { "model": { "activation": "relu", "init": "he_normal" } },
    "tanh + Glorot uniform": { "model": { "activation": "tanh", "init": "glorot_uniform" } }
  },
  "sweep": { "model.depth": [16, 64] }
}
`,
  },
];

/** The cells of a CSV text's first record (header names), parsed by csv-parse (quotes, BOM). */
export function csvColumns(text: string): string[] {
  const rows = parse(text, { to: 1, bom: true, relax_column_count: true, trim: true }) as string[][];
  return rows[0] ?? [];
}
