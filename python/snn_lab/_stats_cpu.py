"""The per-layer reductions of _stats.py for CPU tensors, with numpy on the tensors' own memory (no copy): the
same definitions and the same float64 results, several times faster than torch's CPU kernels (a full sort of 32k
values takes ~7 ms in torch 1.13, the bucket selection below ~0.2 ms; docs/performance.md). Percentiles select
the wanted order statistics inside equal-width value buckets, as src/core/percentiles.ts does."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Optional, Tuple

import numpy as np

TB_QUANTILES = np.array([0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0]) / 100.0
PERCENTILE_BUCKETS = 2048


def _order_statistics(values: np.ndarray, ranks: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """values[rank] of the sorted array for each rank, without sorting it: bucket every value (the bucket index is
    monotone in the value), then sort only the buckets that hold a wanted rank."""
    n = values.size
    count = max(1, min(PERCENTILE_BUCKETS, n >> 3))
    if not hi > lo:
        return np.full(ranks.shape, lo)
    # In the values' own dtype (float32 for activations): monotone, and half the memory traffic of float64.
    scaled = values - values.dtype.type(lo)
    scaled *= values.dtype.type(count / (hi - lo))
    np.minimum(scaled, count - 1, out=scaled)
    bucket = scaled.astype(np.int32)
    counts = np.bincount(bucket, minlength=count)
    ends = np.cumsum(counts)
    starts = ends - counts
    wanted_buckets = np.searchsorted(ends, ranks, side="right")
    want = np.zeros(count, dtype=bool)
    want[wanted_buckets] = True
    gathered = np.sort(np.compress(np.take(want, bucket), values))  # compress: 5x faster than values[mask]
    # Position of each wanted bucket inside `gathered`: the sizes of the wanted buckets before it.
    offsets = np.cumsum(np.where(want, counts, 0)) - np.where(want, counts, 0)
    return gathered[offsets[wanted_buckets] + ranks - starts[wanted_buckets]]


@lru_cache(maxsize=64)
def _rank_plan(n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Interpolation fractions, the distinct ranks needed, and where each percentile's floor and ceil rank sit among
    them (cached per n: a layer's size does not change between reports)."""
    position = TB_QUANTILES * (n - 1)
    low = np.floor(position).astype(np.intp)
    high = np.ceil(position).astype(np.intp)
    ranks = np.unique(np.concatenate([low, high]))
    return position - low, ranks, np.searchsorted(ranks, low), np.searchsorted(ranks, high)


def _interpolate(at: np.ndarray, plan: Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """numpy's "linear" percentiles from the values at the plan's ranks."""
    frac, _ranks, low, high = plan
    a, b = at[low], at[high]
    return np.where(frac == 0, a, a + frac * (b - a))


def percentiles(finite: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """TensorBoard's nine percentiles of finite values (any float dtype; numpy's "linear" interpolation in float64);
    lo and hi are their min and max."""
    n = finite.size
    if n == 0:
        return np.full(TB_QUANTILES.shape, np.nan)
    plan = _rank_plan(n)
    ranks = plan[1]
    values = _order_statistics(finite, ranks, lo, hi).astype(np.float64)
    values[ranks == 0] = lo
    values[ranks == n - 1] = hi
    return _interpolate(values, plan)


def _dot(a: np.ndarray) -> float:
    """Sum of squares in float64 (einsum: np.dot goes through BLAS, measured 10x slower here on 32k values)."""
    return float(np.einsum("i,i->", a, a))


def histogram(v64: np.ndarray, value_range: float, bins: int) -> np.ndarray:
    """bins counts over [-range, range), then under and over, of values that may hold NaN (not counted) and
    infinities (under / over)."""
    lo, hi = -value_range, value_range
    under = np.count_nonzero(v64 < lo)
    over = np.count_nonzero(v64 >= hi)
    # Slot 0 = below lo, 1..bins = the bins, bins + 1 = at or above hi: one bincount, no per-value branches.
    shifted = v64[~np.isnan(v64)] - lo
    shifted *= bins / (hi - lo)
    np.floor(shifted, out=shifted)
    shifted += 1.0
    np.clip(shifted, 0.0, bins + 1.0, out=shifted)
    counts = np.bincount(shifted.astype(np.int32), minlength=bins + 2).astype(np.float64)
    # A value a rounding step from lo or hi can land in the neighbouring slot; the value comparisons decide.
    counts[1] += counts[0] - under
    counts[bins] += counts[bins + 1] - over
    counts[0], counts[bins + 1] = under, over
    return np.concatenate([counts[1 : bins + 1], counts[[0, bins + 1]]])


#: Fine buckets per histogram bin. A power of two: (v - lo) * (scale * 64) rounds exactly like 64 * ((v - lo) *
#: scale), so a fine bucket never straddles a histogram bin edge as SNN Lab's trainer computes it.
FINE = 64


def _is_exact_grid(dtype: np.dtype, lo: float, step: float) -> bool:
    """True when v * step + (1 - lo * step) is computed exactly in float64 for every float32 v near [lo, hi):
    step a power of two (scaling is exact) and lo * step a small integer (so is the addition)."""
    if dtype != np.float32 or step <= 0:
        return False
    mantissa, _exponent = math.frexp(step)
    offset = lo * step
    return mantissa == 0.5 and offset == int(offset) and abs(offset) < 2**24


def _fine_distribution(flat: np.ndarray, v64: np.ndarray, value_range: float, bins: int) -> Tuple[np.ndarray, np.ndarray]:
    """Histogram counts and the nine percentiles of all-finite values from one bucketing pass: bins * FINE fine
    buckets over [-range, range) plus one below and one above; the histogram sums FINE buckets per bin, the
    percentiles sort only the fine buckets that hold a wanted rank."""
    lo, hi = -value_range, value_range
    fine = bins * FINE
    step = (bins / (hi - lo)) * FINE
    exact = _is_exact_grid(flat.dtype, lo, step)
    if exact:
        # v * step + (1 - lo * step) is (v - lo) * step + 1 without rounding: one pass fewer, and slot 0 / the last
        # slot are exactly the values below lo / at or above hi, so no comparisons are needed.
        shifted = v64 * step
        shifted += 1.0 - lo * step
    else:
        # floor((v - lo) * step) first: adding the slot offset before flooring could round a value just below a
        # bin edge up onto it.
        shifted = v64 - lo
        shifted *= step
        np.floor(shifted, out=shifted)
        shifted += 1.0  # slot 0 = below lo, 1..fine = the fine buckets, fine + 1 = at or above hi
    np.maximum(shifted, 0.0, out=shifted)  # the ufuncs: np.clip's wrapper cost ~0.1 ms a call (measured)
    np.minimum(shifted, fine + 1.0, out=shifted)
    slot = shifted.astype(np.int32)
    counts = np.bincount(slot, minlength=fine + 2)
    histogram = counts[1 : fine + 1].reshape(bins, FINE).sum(axis=1).astype(np.float64)
    under, over = int(counts[0]), int(counts[fine + 1])
    if not exact:
        # The value comparisons decide under/over (a value one rounding step from lo or hi may sit in the next slot).
        under = np.count_nonzero(v64 < lo)
        over = np.count_nonzero(v64 >= hi)
        histogram[0] += counts[0] - under
        histogram[bins - 1] += counts[fine + 1] - over
    plan = _rank_plan(flat.size)
    ranks = plan[1]
    ends = np.cumsum(counts)
    starts = ends - counts
    wanted = np.searchsorted(ends, ranks, side="right")
    want = np.zeros(fine + 2, dtype=bool)
    want[wanted] = True
    gathered = np.sort(np.compress(np.take(want, slot), flat)).astype(np.float64)
    offsets = np.cumsum(np.where(want, counts, 0)) - np.where(want, counts, 0)
    at = gathered[offsets[wanted] + ranks - starts[wanted]]
    return histogram, np.concatenate([_interpolate(at, plan), [float(under), float(over)]])


def distribution(values: np.ndarray, value_range: float, bins: int) -> np.ndarray:
    """[mean, variance, min, max, 9 percentiles, bins counts, under, over] in float64 (see _stats.py)."""
    flat = values.reshape(-1)
    v64 = flat.astype(np.float64)
    n = v64.size
    if n == 0:
        return np.concatenate([np.full(4 + TB_QUANTILES.size, np.nan), np.zeros(bins + 2)])
    mean = float(v64.sum()) / n
    if not np.isfinite(mean):  # a NaN or infinite value makes the float64 sum non-finite
        return _nonfinite_distribution(v64, mean, value_range, bins)
    variance = _variance(_dot(v64), mean, n, v64)
    counts, rest = _fine_distribution(flat, v64, value_range, bins)
    head = [mean, variance, float(flat.min()), float(flat.max())]
    return np.concatenate([head, rest[:-2], counts, rest[-2:]])


def _nonfinite_distribution(v64: np.ndarray, mean: float, value_range: float, bins: int) -> np.ndarray:
    """The rare case with NaN or infinities: moments propagate them, min/max skip NaN, percentiles use the finite
    values only, the histogram skips NaN and counts infinities as under/over."""
    variance = float(np.mean(np.square(v64 - mean)))
    not_nan = v64[~np.isnan(v64)]
    vmin = float(not_nan.min()) if not_nan.size else np.inf
    vmax = float(not_nan.max()) if not_nan.size else -np.inf
    finite = v64[np.isfinite(v64)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (np.nan, np.nan)
    head = np.array([mean, variance, vmin, vmax])
    return np.concatenate([head, percentiles(finite, lo, hi), histogram(v64, value_range, bins)])


def activation(post: np.ndarray, kind: str, channel_dim: int, saturation: float, tolerance: float) -> np.ndarray:
    """[saturated, dead]: SELU saturation fraction, dead ReLU units (0 for other activations)."""
    if post.size == 0:
        return np.array([np.nan, np.nan])
    saturated = dead = 0.0
    if kind == "selu":
        saturated = np.count_nonzero(np.abs(post.astype(np.float64) - saturation) <= tolerance) / post.size
    if kind == "relu":
        rows = np.moveaxis(post, channel_dim, -1) if channel_dim != -1 and post.ndim > 2 else post
        rows = rows.reshape(-1, rows.shape[-1])
        dead = float(np.mean(~(rows != 0).any(axis=0)))
    return np.array([saturated, dead])


def _variance(sum_of_squares: float, mean: float, n: int, values: np.ndarray) -> float:
    """Population variance from float64 sums, recomputed two-pass when the mean dominates (cancellation)."""
    variance = sum_of_squares / n - mean * mean
    if mean * mean > 1e3 * max(variance, 0.0):
        deviation = values.reshape(-1).astype(np.float64) - mean
        variance = _dot(deviation) / n
    return float(variance)


def weights(
    weight: np.ndarray, current: Optional[np.ndarray] = None, grad: Optional[np.ndarray] = None
) -> np.ndarray:
    """[mean, variance, omegaMean, omegaStd, tauMean, tauStd, gradNorm, updateRatio] of a [units, fan_in, ...]
    weight as the forward pass used it; gradNorm from `grad`, updateRatio ||current - weight|| / ||weight||
    (NaN when not given). The weight sums accumulate in float64, the two norms in the weights' dtype."""
    w = weight.reshape(weight.shape[0], -1)
    w64 = w.astype(np.float64)  # one conversion serves both sums (faster than two casting reductions)
    omega = w64.sum(axis=1)
    tau = np.einsum("ij,ij->i", w64, w64)
    mean = omega.sum() / w.size
    variance = _variance(float(tau.sum()), float(mean), w.size, w64)
    # The two norms are summed in the tensors' own precision, as SNN Lab's trainer sums them in tfjs (float32):
    # ~1e-6 relative, and 4x cheaper than a casting float64 reduction (measured).
    grad_norm = np.nan
    if grad is not None:
        flat = grad.reshape(-1)
        grad_norm = float(np.sqrt(np.einsum("i,i->", flat, flat)))
    ratio = np.nan
    if current is not None:
        change = (current.reshape(w.shape) - w).reshape(-1)
        ratio = float(np.sqrt(np.einsum("i,i->", change, change))) / float(np.sqrt(tau.sum()))
    units = w.shape[0]
    omega_mean, tau_mean = float(omega.sum()) / units, float(tau.sum()) / units
    # ndarray.std costs ~0.1 ms of Python per call (measured); the guarded one-pass variance is exact enough here.
    omega_std = math.sqrt(max(0.0, _variance(_dot(omega), omega_mean, units, omega)))
    tau_std = math.sqrt(max(0.0, _variance(_dot(tau), tau_mean, units, tau)))
    return np.array([mean, variance, omega_mean, omega_std, tau_mean, tau_std, grad_norm, ratio])
