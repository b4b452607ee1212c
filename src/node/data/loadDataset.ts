/**
 * Node-side entry of data loading, shared by the trainer and the CLI: builds the data set a run's `data` section
 * describes (CSV, MNIST or synthetic), splits it and standardises features on the training part.
 * Deterministic for a given seed; bad input throws DataError.
 */
import type { DataConfig } from '../../core/config/experimentConfig';
import { schemaIssues } from '../../core/config/messages';
import { schemaErrors } from '../../core/config/schema';
import { deriveSeed } from '../../core/random';
import { readCsv, resolveCsvPath } from './csv';
import type { Dataset, LoadOptions } from './dataset';
import { loadMnist } from './mnist';
import { featureStats, gather, splitIndices } from './split';
import { generateSynthetic } from './synthetic';
import { classCounts, type RawTable } from './table';
import { DataError } from './dataError';

export { DataError } from './dataError';

async function readTable(data: DataConfig, options: LoadOptions): Promise<RawTable> {
  switch (data.source) {
    case 'csv':
      return readCsv(await resolveCsvPath(data, options), data);
    case 'mnist':
      return loadMnist(data, deriveSeed(options.seed, 'mnist'));
    case 'synthetic':
      return generateSynthetic(data, deriveSeed(options.seed, 'synthetic'));
  }
}

/**
 * Loads, splits and (if configured) standardises the data of one run.
 * @param data the run's resolved `data` section
 * @param options base directory for relative paths, workspace guard, seed and k-fold index
 */
export async function loadDataset(data: DataConfig, options: LoadOptions): Promise<Dataset> {
  // Configs can arrive over IPC without going through parseExperiment: check what the generators rely on. CSV
  // settings are checked by the reader itself, against the file.
  const { source, split, standardize } = data;
  const checked = data.source === 'csv' ? { source, path: data.path, split, standardize } : data;
  const invalid = schemaIssues(schemaErrors({ data: checked }), { data: checked });
  if (invalid.length > 0) {
    throw new DataError(`invalid data section: ${invalid.map((i) => i.message).join('; ')}`);
  }
  const table = await readTable(data, options);
  const parts = splitIndices(table, data.split, deriveSeed(options.seed, 'split'), options.fold ?? 0);
  const stats = data.standardize ? featureStats(table, parts.train) : undefined;
  const notes = [...table.notes];
  const folds = data.split.folds >= 2 ? `, fold ${options.fold ?? 0} of ${data.split.folds}` : '';
  notes.push(
    `split: ${parts.train.length} train, ${parts.validation.length} validation, ${parts.test.length} test${folds}`,
  );
  if (stats) {
    const constant = stats.std.filter((s) => s <= 1e-12).length;
    const extra = constant > 0 ? ` (${constant} constant features set to 0)` : '';
    notes.push(`standardised ${table.features} features on ${parts.train.length} training rows${extra}`);
  }
  const dataset: Dataset = {
    task: table.task,
    features: table.features,
    classes: table.task === 'classification' ? (table.classNames?.length ?? 1) : 1,
    featureNames: table.featureNames,
    train: gather(table, parts.train, stats),
    validation: gather(table, parts.validation, stats),
    test: gather(table, parts.test, stats),
    notes,
  };
  if (table.task === 'classification' && table.classNames) {
    dataset.classNames = table.classNames;
    dataset.classCounts = classCounts(table);
    notes.push(
      `classes: ${table.classNames.map((name, k) => `${name}=${dataset.classCounts?.[k] ?? 0}`).join(', ')}`,
    );
  }
  return dataset;
}
