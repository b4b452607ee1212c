/**
 * Small seeded pseudo-random generator shared by data loading, splits and synthetic data sets, so every run is
 * reproducible from its seed. Pure: no Node APIs. mulberry32 (Tommy Ettinger, public domain) for uniforms and the
 * Box-Muller transform (Box & Muller 1958) for standard normals.
 */

/** A seeded stream of random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/**
 * Creates a generator from a 32-bit seed (any number; it is truncated to 32 bits, so 1 and 2**32 + 1 coincide).
 * @param seed run seed, e.g. `RunConfig.seed`
 */
export function createRng(seed: number): Rng {
  let state = Math.trunc(seed) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = next();
    while (u === 0) u = next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  const int = (n: number): number => Math.floor(next() * n);
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  };
  return { next, normal, int, shuffle };
}

/**
 * Derives an independent seed from a base seed and a label (FNV-1a hash of the label mixed into the seed), so that
 * e.g. data shuffling and weight init of one run use different streams.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = (2166136261 ^ (Math.trunc(seed) >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash;
}

/**
 * The initialisation/training seed of one run of a study (docs/studies.md#seeds): `seed` itself for repeat 0 and
 * fold 0; other repeats derive "repeat=<r>" from it, other folds "fold=<k>" from that (unless every fold shares
 * the repeat's seed), so adding repeats or folds never changes the runs that existed before.
 */
export function runSeed(options: {
  seed: number;
  repeat?: number;
  fold?: number;
  sameInitAcrossFolds?: boolean;
}): number {
  let seed = Math.trunc(options.seed) >>> 0;
  const repeat = options.repeat ?? 0;
  const fold = options.fold ?? 0;
  if (repeat > 0) seed = deriveSeed(seed, `repeat=${repeat}`);
  if (fold > 0 && !options.sameInitAcrossFolds) seed = deriveSeed(seed, `fold=${fold}`);
  return seed;
}
