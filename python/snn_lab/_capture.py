"""Forward hooks that capture one step's per-layer statistics. Hooks exist only while armed (the reporting steps),
so other steps run the model untouched. Each layer's first call after arming is kept and reduced after the optimiser
step, on the tensors' device: reducing inside the forward pass evicted the activations the backward pass reads from
the cache (measured: the backward of a reporting step ran ~30 % slower). Followers are matched to their layer by
tensor identity, so one activation module reused after several layers is attributed correctly.

Outputs are kept by reference, not copied, once a report has shown that nothing changes them in place before the
report (an in-place activation or `out += x` does): copying every layer's output cost more than any other part of a
report's forward and backward pass (measured, depth 8: +2.7 ms of a 13 ms step). The first report copies every
output and checks the originals' version counters at report time; outputs found changed are copied from then on.
A later report that finds a kept output changed (the model took another path) is dropped and taken again at the next
step, with copies. The weights are always copied: the optimiser updates them in place."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import torch
from torch import nn

from . import _stats as stats
from ._layers import STAGE, LayerSpec, follower_modules


class _Seen:
    """What one layer's hooks recorded during the captured forward pass: copies of the layer's output, of the
    normalisation's and of the last follower's (activation or dropout) output, and of the weight used."""

    def __init__(self, spec: LayerSpec) -> None:
        self.runtime = LayerSpec(spec.index, spec.name, spec.module, spec.kind)
        self.raw: Optional[torch.Tensor] = None
        self.norm: Optional[torch.Tensor] = None
        self.post: Optional[torch.Tensor] = None
        self.weight: Optional[torch.Tensor] = None
        self.grad: Optional[torch.Tensor] = None
        self.tail: Any = None
        self.stage = -1
        #: Outputs kept by reference (`held`) or copied while their original is watched (`watched`), each with the
        #: version counter it had when it was captured.
        self.held: List[Tuple[Tuple[int, str], torch.Tensor, int]] = []
        self.watched: List[Tuple[Tuple[int, str], torch.Tensor, int]] = []

    def keep(self, role: str, output: torch.Tensor, safe: Set[Tuple[int, str]], copied: Set[Tuple[int, str]]) -> Any:
        """The tensor to reduce later: `output` itself when it is known not to change before the report, else a
        copy (and, until known, the original is watched)."""
        key = (self.runtime.index, role)
        original = output.detach()
        if key in safe:
            self.held.append((key, original, original._version))
            return original
        if key not in copied:
            self.watched.append((key, original, original._version))
        return original.clone()


class Capture:
    """Arms hooks on a model's layers and followers; `collect()` packs what they saw into one float64 vector."""

    def __init__(self, model: nn.Module, layers: List[LayerSpec], value_range: float, bins: int) -> None:
        self.model = model
        self.layers = layers
        self.value_range = value_range
        self.bins = bins
        self.followers = follower_modules(model)
        self.handles: List[Any] = []
        self.seen: Dict[int, _Seen] = {}
        self.order: List[int] = []
        self.batch_size: Optional[int] = None
        self.training_only = True
        #: (layer index, role) of outputs that stayed unchanged until the report (kept by reference) and of those
        #: that changed (always copied).
        self.safe: Set[Tuple[int, str]] = set()
        self.copied: Set[Tuple[int, str]] = set()

    @property
    def armed(self) -> bool:
        return bool(self.handles)

    def arm(self, training_only: bool = True, gradients: bool = True) -> None:
        """Registers the hooks; the next forward pass (in training mode with autograd on, unless
        training_only is False) is captured."""
        self.disarm()
        self.seen = {}
        self.order = []
        self.training_only = training_only
        for spec in self.layers:
            self.handles.append(spec.module.register_forward_hook(self._layer_hook(spec)))
            weight = spec.module.weight
            if gradients and weight.requires_grad:
                self.handles.append(weight.register_hook(self._grad_hook(spec.index)))
        for _name, module, role, label in self.followers:
            self.handles.append(module.register_forward_hook(self._follower_hook(role, label)))

    def disarm(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []

    def _active(self, module: nn.Module) -> bool:
        return not self.training_only or (module.training and torch.is_grad_enabled())

    def _layer_hook(self, spec: LayerSpec) -> Any:
        def hook(module: nn.Module, inputs: Sequence[Any], output: Any) -> None:
            if spec.index in self.seen or not self._active(module) or not isinstance(output, torch.Tensor):
                return
            with torch.no_grad():
                seen = _Seen(spec)
                seen.raw = seen.keep("raw", output, self.safe, self.copied)
                seen.weight = module.weight.detach().clone()
                seen.tail = output
                self.seen[spec.index] = seen
                self.order.append(spec.index)
                if inputs and isinstance(inputs[0], torch.Tensor) and inputs[0].dim() > 0:
                    self.batch_size = int(inputs[0].shape[0])

        return hook

    def _grad_hook(self, index: int) -> Any:
        def hook(grad: torch.Tensor) -> None:
            seen = self.seen.get(index)
            if seen is None:
                return
            seen.grad = grad.detach().clone() if seen.grad is None else seen.grad + grad.detach()

        return hook

    def _follower_hook(self, role: str, label: str) -> Any:
        def hook(module: nn.Module, inputs: Sequence[Any], output: Any) -> None:
            if not inputs or not self._active(module) or not isinstance(output, torch.Tensor):
                return
            x = inputs[0]
            seen = next((s for s in self.seen.values() if s.tail is x), None)
            if seen is None:
                return
            if STAGE[role] <= seen.stage or not seen.runtime.attach(role, label, module):
                seen.tail = None  # out of order (e.g. a norm after the activation): the chain ends here
                return
            with torch.no_grad():
                copy = seen.keep(role, output, self.safe, self.copied)
            if role == "norm":
                seen.norm = copy
            else:
                seen.post = copy
            seen.tail = output
            seen.stage = STAGE[role]

        return hook

    def changed_in_place(self) -> List[str]:
        """Checks the captured outputs' version counters (call before `collect`): learns which outputs stay
        unchanged until a report, and returns the names of outputs kept by reference that changed since capture (the
        report must then be dropped: the values it would reduce are not those of the forward pass)."""
        changed: List[str] = []
        for seen in self.seen.values():
            for key, original, version in seen.watched:
                (self.safe if original._version == version else self.copied).add(key)
            for key, original, version in seen.held:
                if original._version != version:
                    self.safe.discard(key)
                    self.copied.add(key)
                    changed.append(f"{seen.runtime.name} ({key[1]})")
        return changed

    def runtime_layers(self) -> List[LayerSpec]:
        """The captured layers with the followers seen at run time, in layer order."""
        return [self.seen[i].runtime for i in sorted(self.seen)]

    def collect(self, measure_update: bool) -> Optional[torch.Tensor]:
        """One float64 vector with every captured layer's statistics (layout: `unpack`), or None."""
        if not self.seen:
            return None
        parts: List[torch.Tensor] = []
        with torch.no_grad():
            for index in sorted(self.seen):
                seen = self.seen[index]
                assert seen.raw is not None and seen.weight is not None
                device = seen.raw.device
                reduce = lambda t: stats.distribution_vector(t, self.value_range, self.bins)  # noqa: E731
                pre = reduce(seen.norm if seen.norm is not None else seen.raw)
                post = reduce(seen.post) if seen.post is not None else pre
                flags = torch.zeros(2, dtype=torch.float64, device=device)
                if seen.post is not None:
                    activation = seen.runtime.activation_label
                    flags = stats.activation_vector(seen.post, activation, seen.runtime.channel_dim)
                current = seen.runtime.module.weight if measure_update else None
                parts += [pre, post]
                if seen.norm is not None:
                    parts.append(reduce(seen.raw))
                parts += [flags, stats.weight_vector(seen.weight, current, seen.grad).to(device)]
        return torch.cat([p.to(parts[0].device) for p in parts])

    def unpack(self, values: Sequence[float], epoch: int, step: int) -> Dict[str, Any]:
        """The layers.jsonl record for the vector `collect` made (values on the host)."""
        size = stats.distribution_size(self.bins)
        offset = 0
        layers = []
        for index in sorted(self.seen):
            seen = self.seen[index]
            pre = stats.unpack_distribution(values, offset, self.bins, self.value_range)
            post = stats.unpack_distribution(values, offset + size, self.bins, self.value_range)
            offset += 2 * size
            linear = None
            if seen.norm is not None:
                linear = stats.unpack_distribution(values, offset, self.bins, self.value_range)
                offset += size
            saturated, dead = values[offset], values[offset + 1]
            weights = dict(zip(stats.WEIGHT_FIELDS, values[offset + 2 : offset + 8]))
            grad, ratio = values[offset + 8], values[offset + 9]
            offset += 10
            spec = seen.runtime
            record: Dict[str, Any] = {"layer": spec.index, "units": spec.units, "name": spec.name, "kind": spec.kind}
            if linear is not None:
                record["linear"] = linear
            record.update(
                pre=pre, post=post, saturated=saturated, dead=dead, weights=weights, gradNorm=grad, updateRatio=ratio
            )
            layers.append(record)
        return {"step": step, "epoch": epoch, "layers": layers}

    def release(self) -> None:
        """Drops the captured tensors (outputs, weight and gradient copies) once a report is written, so nothing of
        a reporting step stays alive until the next one; the layer structure seen is kept."""
        for seen in self.seen.values():
            seen.raw = seen.norm = seen.post = seen.weight = seen.grad = None
            seen.tail = None
            seen.held = []
            seen.watched = []

    def initial_weights(self) -> Dict[int, torch.Tensor]:
        """The weights each captured layer had at its forward pass."""
        return {i: s.weight for i, s in self.seen.items() if s.weight is not None}
