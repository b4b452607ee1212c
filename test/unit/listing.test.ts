// The Marketplace listing (README.marketplace.md) tells installed users the truth about the manifest: every setting
// and every command of package.json is in its tables, and every image it shows exists (links are checked inside
// the built package by scripts/package.mjs and the e2e package test).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { repoPath } from './config/fixtures';

interface Manifest {
  contributes: {
    commands: { title: string }[];
    configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
  };
}

const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as Manifest;
const listing = readFileSync(repoPath('README.marketplace.md'), 'utf8');

test('the listing names every setting of package.json', () => {
  const { configuration } = manifest.contributes;
  const keys = (Array.isArray(configuration) ? configuration : [configuration]).flatMap((c) =>
    Object.keys(c.properties),
  );
  assert.ok(keys.length >= 10, keys.join(', '));
  // The Slurm settings share one row (`snnLab.slurm.*` with their short names).
  const missing = keys.filter((key) => {
    const slurm = /^snnLab\.slurm\.(\w+)$/.exec(key)?.[1];
    return slurm
      ? !listing.includes('`snnLab.slurm.*`') || !listing.includes(`\`${slurm}\``)
      : !listing.includes(`\`${key}\``);
  });
  assert.deepEqual(missing, [], 'settings missing from the listing');
});

test('the listing names every command of package.json', () => {
  const titles = manifest.contributes.commands.map((c) => c.title);
  assert.ok(titles.length >= 20);
  const missing = titles.filter((title) => !listing.includes(title));
  assert.deepEqual(missing, [], 'commands missing from the listing');
});

test('every image of the listing exists, one per main view', () => {
  const images = [...listing.matchAll(/!\[[^\]]+\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  for (const view of [
    'editor',
    'runs',
    'layers',
    'curves',
    'distributions',
    'fixed-point',
    'theory',
    'terminal',
  ]) {
    assert.ok(images.includes(`media/listing/${view}.webp`), `an image of ${view}`);
  }
  for (const image of images) assert.ok(existsSync(repoPath(image)), `${image} exists`);
});
