/**
 * Node-side entry of data loading, shared by the trainer and the CLI: builds the data set a run's `data` section
 * describes (CSV, MNIST or synthetic), splits it and standardises features on the training part.
 * Deterministic for a given seed; bad input throws DataError.
 */
import type { DataConfig } from '../../core/config/experimentConfig';
import { schemaIssues } from '../../core/config/messages';
import { schemaErrors } from '../../core/config/schema';
import { deriveSeed } from '../../core/random';
import { readCsv, resolveCsvPath, resolveDataPath } from './csv';
import type { DataFile, Dataset, LoadOptions } from './dataset';
import { hashFile } from './fileHash';
import { idxFiles, loadIdx } from './idxTable';
import { loadMnist, mnistFiles } from './mnist';
import { featureStats, gather, splitIndices } from './split';
import { generateSynthetic } from './synthetic';
import { classCounts, type RawTable } from './table';
import { DataError } from './dataError';

export { DataError } from './dataError';

/** The table(s) of a data section: `test` only for sources with their own test files (idx). */
async function readTables(
  data: DataConfig,
  options: LoadOptions,
  seed: number,
): Promise<{ table: RawTable; test?: RawTable; files: string[] }> {
  switch (data.source) {
    case 'csv': {
      const path = await resolveCsvPath(data, options);
      return { table: await readCsv(path, data), files: [path] };
    }
    case 'mnist':
      return { table: await loadMnist(data, deriveSeed(seed, 'mnist')), files: mnistFiles() };
    case 'idx': {
      await resolveDataPath(data.path, options);
      for (const file of idxFiles(data, options.baseDir)) await resolveDataPath(file, options);
      const { train, test } = await loadIdx(data, options.baseDir, seed);
      return { table: train, test, files: idxFiles(data, options.baseDir) };
    }
    case 'synthetic':
      return { table: generateSynthetic(data, deriveSeed(seed, 'synthetic')), files: [] };
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
  const seed = data.splitSeed ?? options.seed;
  const { table, test, files } = await readTables(data, options, seed);
  const parts = splitIndices(
    table,
    test ? { ...split, test: 0 } : split,
    deriveSeed(seed, 'split'),
    options.fold ?? 0,
  );
  const stats = data.standardize ? featureStats(table, parts.train) : undefined;
  const notes = [...table.notes];
  const folds = data.split.folds >= 2 ? `, fold ${options.fold ?? 0} of ${data.split.folds}` : '';
  const testRows = test ? test.n : parts.test.length;
  notes.push(
    `split: ${parts.train.length} train, ${parts.validation.length} validation, ${testRows} test${folds}`,
  );
  if (test) notes.push(...test.notes);
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
    test: test
      ? gather(
          test,
          Array.from({ length: test.n }, (_, i) => i),
          stats,
        )
      : gather(table, parts.test, stats),
    notes,
    files: await Promise.all(files.map((file): Promise<DataFile> => hashFile(file))),
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
