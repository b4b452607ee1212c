/**
 * Layer statistics of float32 values lying in tfjs's heap, reduced by the kernel module (assembly/statistics.ts)
 * with the same float64 operations as src/core/statistics.ts, so the numbers are identical: distributions (moments,
 * min, max, histogram, the nine percentiles; inputs the JS code handles separately — non-finite values, constant
 * data, fewer than 3 values — are reduced by it), weight statistics, the saturated and dead counts. The fused step's
 * reporting steps use this: the values never leave the heap (docs/performance.md).
 */
import { distribution } from '../core/statistics';
import { interpolate, rankPlan, TB_PERCENTILES } from '../core/percentiles';
import type { Distribution, WeightStats } from '../core/statisticsTypes';
import { HeapBlock } from './heapBuffers';
import type { KernelExports, KernelModule, WasmBackend } from './kernelModule';

/** Ranks a distribution can need: two per percentile. */
const MAX_RANKS = 2 * TB_PERCENTILES.length;
/** Result block: Σv, Σ(v − mean)², min, max, under, over, then the counts and the ranks' values (float64). */
const HEADER = 6;

export class WasmLayerStats {
  private readonly k: KernelExports;
  private readonly block: HeapBlock;
  private readonly scratch: number;
  private readonly ranks: number;
  private readonly result: number;
  private readonly maxValues: number;
  private readonly maxUnits: number;

  /** Buffers for up to `maxValues` values, layers of up to `maxUnits` units and `bins` histogram bins. */
  constructor(
    module: KernelModule,
    backend: WasmBackend,
    sizes: { maxValues: number; maxUnits: number },
    private readonly range: number,
    private readonly bins: number,
  ) {
    this.k = module.exports;
    this.maxValues = sizes.maxValues;
    this.maxUnits = sizes.maxUnits;
    const scratchBytes = Math.max(this.k.statsScratchBytes(sizes.maxValues, MAX_RANKS), 16 * sizes.maxUnits);
    const scratchFloats = Math.ceil(scratchBytes / 4);
    this.block = new HeapBlock(backend, module, [scratchFloats, MAX_RANKS, 2 * (HEADER + bins + MAX_RANKS)]);
    [this.scratch, this.ranks, this.result] = [0, 1, 2].map((i) => this.block.pointer(i)) as [
      number,
      number,
      number,
    ];
  }

  /** The distribution of the n float32 values at byte offset `ptr`. */
  of(ptr: number, n: number): Distribution {
    if (n > this.maxValues) throw new Error(`snn kernels: ${n} values exceed the ${this.maxValues} planned`);
    const { positions, ranks } = rankPlan(n, TB_PERCENTILES);
    this.block.int32(this.ranks, ranks.length).set(ranks);
    const done = this.k.distribution(
      ptr,
      n,
      this.range,
      this.bins,
      this.ranks,
      ranks.length,
      this.result,
      this.scratch,
    );
    if (!done) return distribution(this.block.view(ptr, n), this.range, this.bins);
    const r = this.block.float64(this.result, HEADER + this.bins + ranks.length);
    const [sum, sq, min, max, under, over] = Array.from(r.subarray(0, HEADER)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const selected = new Map(ranks.map((rank, i) => [rank, r[HEADER + this.bins + i] as number]));
    const at = (rank: number): number =>
      rank === 0 ? min : rank === n - 1 ? max : (selected.get(rank) ?? min);
    return {
      mean: sum / n,
      variance: sq / n,
      min,
      max,
      percentiles: interpolate(positions, at),
      histogram: {
        lo: -this.range,
        hi: this.range,
        counts: Array.from(r.subarray(HEADER, HEADER + this.bins)),
        under,
        over,
      },
    };
  }

  /** weightStats of the [fanIn, units] float32 matrix at `ptr`. */
  weights(ptr: number, fanIn: number, units: number): WeightStats {
    if (units > this.maxUnits) {
      throw new Error(`snn kernels: ${units} units exceed the ${this.maxUnits} planned`);
    }
    this.k.weightMoments(ptr, fanIn, units, this.result, this.scratch);
    const [mean, variance, omegaMean, omegaStd, tauMean, tauStd] = Array.from(
      this.block.float64(this.result, 6),
    );
    return { mean, variance, omegaMean, omegaStd, tauMean, tauStd } as WeightStats;
  }

  /** saturatedFraction of the n values at `ptr` (within relTol·|target| of target). */
  saturated(ptr: number, n: number, target: number, relTol = 1e-3): number {
    return n === 0 ? NaN : this.k.countNear(ptr, n, target, relTol * Math.abs(target)) / n;
  }

  /** deadUnitFraction of the rows×units values at `ptr`. */
  dead(ptr: number, rows: number, units: number): number {
    if (units > this.maxUnits) {
      throw new Error(`snn kernels: ${units} units exceed the ${this.maxUnits} planned`);
    }
    return units === 0 ? NaN : this.k.deadUnits(ptr, rows, units, this.scratch) / units;
  }

  dispose(): void {
    this.block.dispose();
  }
}
