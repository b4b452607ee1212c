"""Per-layer statistics on the tensors' own device, as float64 vectors with a fixed layout, so one report moves
all of them to the host at once. The definitions are SNN Lab's (docs/run-store.md, "Statistics"): population
moments, min/max ignoring NaN, TensorBoard's nine percentiles of the finite values (linear interpolation at
p/100*(n-1), numpy's default), a fixed-range histogram with under/over counts, SELU saturation, dead ReLU units,
weight omega/tau per unit."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

import torch

#: TensorBoard's compressed-histogram percentiles: the 0, +-0.5, +-1, +-1.5, +-inf sigma points of a normal.
TB_PERCENTILES = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)

#: SELU's constants (Klambauer et al. 2017); a saturated unit sits at -lambda*alpha.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_SATURATION = -SELU_LAMBDA * SELU_ALPHA

#: Relative tolerance of "at the saturation value".
SATURATION_TOLERANCE = 1e-3

WEIGHT_FIELDS = ("mean", "variance", "omegaMean", "omegaStd", "tauMean", "tauStd")

try:  # numpy is optional: with it, CPU tensors are reduced by _stats_cpu.py on their own memory (faster)
    from . import _stats_cpu as cpu
except ImportError:  # pragma: no cover - exercised only without numpy
    cpu = None  # type: ignore[assignment]


def _numpy_view(tensor: torch.Tensor) -> Optional[Any]:
    """The tensor's memory as a numpy array when it lives on the CPU and numpy is available, else None."""
    if cpu is None or tensor.device.type != "cpu" or tensor.dtype in (torch.bfloat16, torch.float16):
        return None
    return tensor.detach().contiguous().numpy()


def _tensor(values: Any) -> torch.Tensor:
    return torch.from_numpy(cpu.np.asarray(values, dtype=cpu.np.float64))


def distribution_size(bins: int) -> int:
    """Length of a distribution vector: mean, variance, min, max, 9 percentiles, bins counts, under, over."""
    return 4 + len(TB_PERCENTILES) + bins + 2


def distribution_vector(values: torch.Tensor, value_range: float, bins: int) -> torch.Tensor:
    """Summary of every element of `values` as a float64 vector on its device (see distribution_size)."""
    array = _numpy_view(values)
    if array is not None:
        return _tensor(cpu.distribution(array, value_range, bins))
    v = values.detach().reshape(-1)
    n = v.numel()
    device = v.device
    nan = torch.tensor(float("nan"), dtype=torch.float64, device=device)
    if n == 0:
        head = nan.repeat(4 + len(TB_PERCENTILES))
        return torch.cat([head, torch.zeros(bins + 2, dtype=torch.float64, device=device)])
    v64 = v.to(torch.float64)
    mean = v64.mean()
    variance = (v64 - mean).square().mean()
    is_nan = torch.isnan(v64)
    inf = float("inf")
    vmin = torch.where(is_nan, torch.full_like(v64, inf), v64).min()
    vmax = torch.where(is_nan, torch.full_like(v64, -inf), v64).max()
    # Percentiles of the finite values: after sorting, -inf come first, then the finite values, then +inf, NaN.
    ordered = torch.sort(v if v.dtype in (torch.float32, torch.float64) else v64).values
    finite = torch.isfinite(v64).sum()
    below = (v64 == -inf).sum()
    q = torch.tensor(TB_PERCENTILES, dtype=torch.float64, device=device) / 100.0
    position = q * (finite - 1).clamp(min=0).to(torch.float64)
    low = position.floor()
    frac = position - low
    index_low = (below + low.to(torch.long)).clamp(0, n - 1)
    index_high = (below + position.ceil().to(torch.long)).clamp(0, n - 1)
    a = ordered[index_low].to(torch.float64)
    b = ordered[index_high].to(torch.float64)
    percentiles = torch.where(frac == 0, a, a + frac * (b - a))
    percentiles = torch.where(finite > 0, percentiles, nan)
    counts = histogram_counts(v64, -value_range, value_range, bins)
    return torch.cat([torch.stack([mean, variance, vmin, vmax]), percentiles, counts])


def histogram_counts(v64: torch.Tensor, lo: float, hi: float, bins: int) -> torch.Tensor:
    """bins counts over [lo, hi), then under (< lo) and over (>= hi); NaN is not counted. No host sync."""
    inside = (v64 >= lo) & (v64 < hi)
    scaled = torch.where(inside, (v64 - lo) * (bins / (hi - lo)), torch.zeros_like(v64))
    slot = scaled.floor().to(torch.long).clamp(max=bins - 1)
    slot = torch.where(inside, slot, torch.full_like(slot, bins))
    counts = torch.zeros(bins + 1, dtype=torch.float64, device=v64.device)
    counts.scatter_add_(0, slot, torch.ones_like(v64))
    under = (v64 < lo).sum().to(torch.float64)
    over = (v64 >= hi).sum().to(torch.float64)
    return torch.cat([counts[:bins], under.reshape(1), over.reshape(1)])


def unpack_distribution(values: Sequence[float], offset: int, bins: int, value_range: float) -> Dict[str, Any]:
    """The distribution dict (run-store shape) stored at values[offset:offset + distribution_size(bins)]."""
    p = len(TB_PERCENTILES)
    part = values[offset : offset + distribution_size(bins)]
    counts = part[4 + p : 4 + p + bins + 2]
    return {
        "mean": part[0],
        "variance": part[1],
        "min": part[2],
        "max": part[3],
        "percentiles": list(part[4 : 4 + p]),
        "histogram": {
            "lo": -value_range,
            "hi": value_range,
            "counts": [int(c) for c in counts[:bins]],
            "under": int(counts[bins]),
            "over": int(counts[bins + 1]),
        },
    }


def units_last(values: torch.Tensor, channel_dim: int) -> torch.Tensor:
    """[rows, units]: a Linear output keeps its last dim as units, a convolution's channels (dim 1) move last."""
    v = values.detach()
    if channel_dim != -1 and v.dim() > 2:
        v = v.movedim(channel_dim, -1)
    return v.reshape(-1, v.shape[-1]) if v.dim() > 0 else v.reshape(1, 1)


def activation_vector(post: torch.Tensor, activation: str, channel_dim: int) -> torch.Tensor:
    """[saturated, dead] for an activation output: SELU saturation fraction (0 for others) and the fraction of
    units that are exactly zero in every row (ReLU only; 0 for others)."""
    array = _numpy_view(post)
    if array is not None:
        tolerance = SATURATION_TOLERANCE * abs(SELU_SATURATION)
        return _tensor(cpu.activation(array, activation, channel_dim, SELU_SATURATION, tolerance))
    v = post.detach()
    device = v.device
    zero = torch.zeros((), dtype=torch.float64, device=device)
    if v.numel() == 0:
        nan = torch.tensor(float("nan"), dtype=torch.float64, device=device)
        return torch.stack([nan, nan])
    saturated = zero
    dead = zero
    if activation == "selu":
        tolerance = SATURATION_TOLERANCE * abs(SELU_SATURATION)
        saturated = ((v.to(torch.float64) - SELU_SATURATION).abs() <= tolerance).to(torch.float64).mean()
    if activation == "relu":
        rows = units_last(v, channel_dim)
        dead = (~(rows != 0).any(dim=0)).to(torch.float64).mean()
    return torch.stack([saturated, dead])


def weight_vector(
    weight: torch.Tensor, current: Optional[torch.Tensor] = None, grad: Optional[torch.Tensor] = None
) -> torch.Tensor:
    """[mean, variance, omegaMean, omegaStd, tauMean, tauStd, gradNorm, updateRatio] of a weight [units, fan_in,
    ...] (PyTorch layout: one row per output unit) as the forward pass used it: omega = sum of a unit's incoming
    weights, tau = sum of their squares; gradNorm = ||grad||, updateRatio = ||current - weight|| / ||weight||
    (NaN when grad / current are not given)."""
    arrays = [_numpy_view(t) if t is not None else None for t in (weight, current, grad)]
    if arrays[0] is not None and all(a is not None for a, t in zip(arrays, (weight, current, grad)) if t is not None):
        return _tensor(cpu.weights(arrays[0], arrays[1], arrays[2]))
    w = weight.detach().to(torch.float64).reshape(weight.shape[0], -1)
    mean = w.mean()
    variance = (w - mean).square().mean()
    omega = w.sum(dim=1)
    tau = w.square().sum(dim=1)
    omega_mean = omega.mean()
    tau_mean = tau.mean()
    omega_std = (omega - omega_mean).square().mean().sqrt()
    tau_std = (tau - tau_mean).square().mean().sqrt()
    nan = torch.tensor(float("nan"), dtype=torch.float64, device=w.device)
    grad_norm = grad.detach().to(torch.float64).square().sum().sqrt().to(w.device) if grad is not None else nan
    ratio = nan
    if current is not None:
        change = current.detach().to(torch.float64).reshape(w.shape) - w
        ratio = change.square().sum().sqrt() / tau.sum().sqrt()
    return torch.stack([mean, variance, omega_mean, omega_std, tau_mean, tau_std, grad_norm, ratio])


def is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def first_nonfinite_layer(layers: List[Dict[str, Any]]) -> Any:
    """Index of the first layer whose pre- or post-activation mean/variance is not finite, or None."""
    for stats in layers:
        for key in ("linear", "pre", "post"):
            part = stats.get(key)
            if part is not None and not (is_finite_number(part["mean"]) and is_finite_number(part["variance"])):
                return stats["layer"]
    return None
