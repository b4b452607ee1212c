"""The per-layer reductions of _stats.py for CPU tensors, with numpy on the tensors' own memory (no copy): the
same definitions and the same float64 results, several times faster than torch's CPU kernels (a full sort of 32k
values takes ~7 ms in torch 1.13, the bucket selection below ~0.2 ms; docs/performance.md). Percentiles select
the wanted order statistics inside equal-width value buckets, as src/core/percentiles.ts does."""

from __future__ import annotations

from typing import Optional

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
    bucket = ((values - lo) * (count / (hi - lo))).astype(np.intp)
    np.minimum(bucket, count - 1, out=bucket)
    counts = np.bincount(bucket, minlength=count)
    ends = np.cumsum(counts)
    starts = ends - counts
    wanted_buckets = np.searchsorted(ends, ranks, side="right")
    want = np.zeros(count, dtype=bool)
    want[wanted_buckets] = True
    gathered = np.sort(values[want[bucket]])
    # Position of each wanted bucket inside `gathered`: the sizes of the wanted buckets before it.
    offsets = np.cumsum(np.where(want, counts, 0)) - np.where(want, counts, 0)
    return gathered[offsets[wanted_buckets] + ranks - starts[wanted_buckets]]


def percentiles(finite: np.ndarray) -> np.ndarray:
    """TensorBoard's nine percentiles of finite float64 values (numpy's "linear" interpolation)."""
    n = finite.size
    if n == 0:
        return np.full(TB_QUANTILES.shape, np.nan)
    position = TB_QUANTILES * (n - 1)
    low = np.floor(position).astype(np.intp)
    high = np.ceil(position).astype(np.intp)
    ranks = np.unique(np.concatenate([low, high]))
    lo, hi = float(finite.min()), float(finite.max())
    values = _order_statistics(finite, ranks, lo, hi)
    at = dict(zip(ranks.tolist(), values.tolist()))
    at[0], at[n - 1] = lo, hi
    a = np.array([at[r] for r in low.tolist()])
    b = np.array([at[r] for r in high.tolist()])
    frac = position - low
    return np.where(frac == 0, a, a + frac * (b - a))


def _dot(a: np.ndarray) -> float:
    """Sum of squares in float64 (einsum: np.dot goes through BLAS, measured 10x slower here on 32k values)."""
    return float(np.einsum("i,i->", a, a))


def histogram(v64: np.ndarray, value_range: float, bins: int, finite: bool) -> np.ndarray:
    """bins counts over [-range, range), then under and over (NaN not counted)."""
    lo, hi = -value_range, value_range
    under = np.count_nonzero(v64 < lo)
    over = np.count_nonzero(v64 >= hi)
    scaled = (v64 - lo) * (bins / (hi - lo))
    if not finite:
        scaled = np.nan_to_num(scaled[~np.isnan(scaled)], posinf=bins, neginf=-1.0)
    # Truncation equals floor for values >= lo; everything below lo lands in bin 0 after clipping.
    slot = scaled.astype(np.intp)
    np.clip(slot, 0, bins - 1, out=slot)
    counts = np.bincount(slot, minlength=bins).astype(np.float64)
    # Values below lo all landed in bin 0 and values at or above hi in the last bin: take them out again.
    counts[0] -= under
    counts[bins - 1] -= over
    return np.concatenate([counts, [float(under), float(over)]])


def distribution(values: np.ndarray, value_range: float, bins: int) -> np.ndarray:
    """[mean, variance, min, max, 9 percentiles, bins counts, under, over] in float64 (see _stats.py)."""
    v64 = values.reshape(-1).astype(np.float64)
    n = v64.size
    if n == 0:
        return np.concatenate([np.full(4 + TB_QUANTILES.size, np.nan), np.zeros(bins + 2)])
    mean = v64.sum() / n
    finite_input = bool(np.isfinite(mean))  # a NaN or infinite value makes the float64 sum non-finite
    if finite_input:
        variance = _dot(v64 - mean) / n
        vmin, vmax = float(v64.min()), float(v64.max())
        finite = v64
    else:
        variance = float(np.mean(np.square(v64 - mean)))
        not_nan = v64[~np.isnan(v64)]
        vmin = float(not_nan.min()) if not_nan.size else np.inf
        vmax = float(not_nan.max()) if not_nan.size else -np.inf
        finite = v64[np.isfinite(v64)]
    head = np.array([mean, variance, vmin, vmax])
    return np.concatenate([head, percentiles(finite), histogram(v64, value_range, bins, finite_input)])


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


def weights(
    weight: np.ndarray, current: Optional[np.ndarray] = None, grad: Optional[np.ndarray] = None
) -> np.ndarray:
    """[mean, variance, omegaMean, omegaStd, tauMean, tauStd, gradNorm, updateRatio] of a [units, fan_in, ...]
    weight as the forward pass used it; gradNorm from `grad`, updateRatio ||current - weight|| / ||weight||
    (NaN when not given). Each large array is converted to float64 once."""
    w = weight.reshape(weight.shape[0], -1).astype(np.float64)
    omega = w.sum(axis=1)
    tau = np.einsum("ij,ij->i", w, w)
    mean = omega.sum() / w.size
    variance = _dot((w - mean).ravel()) / w.size
    grad_norm = np.sqrt(_dot(grad.reshape(-1).astype(np.float64))) if grad is not None else np.nan
    ratio = np.nan
    if current is not None:
        change = current.reshape(w.shape).astype(np.float64)
        change -= w
        ratio = np.sqrt(_dot(change.ravel())) / np.sqrt(tau.sum())
    return np.array([mean, variance, omega.mean(), omega.std(), tau.mean(), tau.std(), grad_norm, ratio])
