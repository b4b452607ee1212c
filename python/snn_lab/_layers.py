"""Which modules of a PyTorch model SNN Lab reports on: every Linear/Conv layer, with the normalisation,
activation and dropout modules that follow it (Linear -> [norm] -> [activation] -> [dropout]). The static view
(registration order) describes a model before it runs; hooks confirm the chain at run time (_capture.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from torch import nn

LAYER_KINDS: Tuple[Tuple[type, str], ...] = (
    (nn.Linear, "linear"),
    (nn.Conv1d, "conv1d"),
    (nn.Conv2d, "conv2d"),
    (nn.Conv3d, "conv3d"),
)


def _optional(*names: str) -> Tuple[type, ...]:
    return tuple(getattr(nn, name) for name in names if hasattr(nn, name))


ACTIVATIONS: Tuple[Tuple[Tuple[type, ...], str], ...] = (
    (_optional("SELU"), "selu"),
    (_optional("ReLU"), "relu"),
    (_optional("ELU"), "elu"),
    (_optional("Tanh"), "tanh"),
    (_optional("GELU"), "gelu"),
    (_optional("SiLU"), "swish"),
    (_optional("LeakyReLU"), "leaky_relu"),
    (_optional("Sigmoid"), "sigmoid"),
    (_optional("CELU"), "celu"),
    (_optional("PReLU"), "prelu"),
    (_optional("ReLU6"), "relu6"),
    (_optional("Softplus"), "softplus"),
    (_optional("Mish"), "mish"),
    (_optional("Hardtanh"), "hardtanh"),
    (_optional("Hardswish"), "hardswish"),
)
NORMS: Tuple[Tuple[Tuple[type, ...], str], ...] = (
    (_optional("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"), "batchnorm"),
    (_optional("LayerNorm"), "layernorm"),
    (_optional("GroupNorm"), "groupnorm"),
    (_optional("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"), "instancenorm"),
)
DROPOUTS: Tuple[Tuple[Tuple[type, ...], str], ...] = (
    (_optional("AlphaDropout"), "alpha"),
    (_optional("FeatureAlphaDropout"), "feature_alpha"),
    (_optional("Dropout", "Dropout1d", "Dropout2d", "Dropout3d"), "standard"),
)


def _lookup(module: nn.Module, table: Tuple[Tuple[Tuple[type, ...], str], ...]) -> Optional[str]:
    for types, label in table:
        if types and isinstance(module, types):
            return label
    return None


def layer_kind(module: nn.Module) -> Optional[str]:
    for cls, label in LAYER_KINDS:
        if type(module) is cls or isinstance(module, cls):
            return label
    return None


def role_of(module: nn.Module) -> Optional[Tuple[str, str]]:
    """("norm" | "activation" | "dropout", label) for a module that may follow a layer, else None."""
    for role, table in (("norm", NORMS), ("activation", ACTIVATIONS), ("dropout", DROPOUTS)):
        label = _lookup(module, table)
        if label is not None:
            return role, label
    return None


#: Chain order: a follower of a later stage ends the stages before it (Linear -> norm -> activation -> dropout).
STAGE = {"norm": 0, "activation": 1, "dropout": 2}


@dataclass
class LayerSpec:
    """One reported layer: its module and the modules found after it."""

    index: int
    name: str
    module: nn.Module
    kind: str
    norm: Optional[Tuple[str, nn.Module]] = None
    activation: Optional[Tuple[str, nn.Module]] = None
    dropout: Optional[Tuple[str, nn.Module]] = None
    followers: Dict[str, str] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return int(self.module.weight.shape[0])

    @property
    def fan_in(self) -> int:
        weight = self.module.weight
        return int(weight[0].numel()) if weight.dim() > 1 else 1

    @property
    def channel_dim(self) -> int:
        """Where the units are in the layer's output: last for Linear, dim 1 for convolutions."""
        return -1 if self.kind == "linear" else 1

    @property
    def activation_label(self) -> str:
        return self.activation[0] if self.activation else "none"

    @property
    def normalization_label(self) -> str:
        return self.norm[0] if self.norm else "none"

    def dropout_rate(self) -> float:
        return float(getattr(self.dropout[1], "p", 0.0)) if self.dropout else 0.0

    def dropout_label(self) -> str:
        if not self.dropout or self.dropout_rate() <= 0:
            return "none"
        return f"{self.dropout[0]} {self.dropout_rate():g}"

    def info(self) -> Dict[str, Any]:
        """meta.json `layers` entry (SNN Lab's LayerInfo plus name and kind)."""
        return {
            "layer": self.index,
            "units": self.units,
            "fanIn": self.fan_in,
            "activation": self.activation_label,
            "normalization": self.normalization_label,
            "dropout": self.dropout_label(),
            "name": self.name,
            "kind": self.kind,
        }

    def description(self) -> Dict[str, Any]:
        """config.json `model.layers` entry."""
        dropout = {"kind": self.dropout[0], "rate": self.dropout_rate()} if self.dropout else None
        return {
            "layer": self.index,
            "name": self.name,
            "kind": self.kind,
            "units": self.units,
            "fanIn": self.fan_in,
            "bias": getattr(self.module, "bias", None) is not None,
            "activation": self.activation_label,
            "normalization": self.normalization_label,
            "dropout": dropout,
        }

    def attach(self, role: str, label: str, module: nn.Module) -> bool:
        """Adds a follower if the chain order allows it (first of each role, in stage order)."""
        if getattr(self, role) is not None:
            return False
        later = [r for r, s in STAGE.items() if s > STAGE[role] and getattr(self, r) is not None]
        if later:
            return False
        setattr(self, role, (label, module))
        return True


def static_layers(model: nn.Module) -> List[LayerSpec]:
    """Layers in registration order, each with the followers registered after it and before the next layer.
    Exact for nn.Sequential; a module reused after several layers is confirmed by hooks at run time."""
    layers: List[LayerSpec] = []
    current: Optional[LayerSpec] = None
    for name, module in model.named_modules():
        if any(True for _ in module.children()):
            continue
        kind = layer_kind(module)
        if kind is not None and getattr(module, "weight", None) is not None:
            current = LayerSpec(len(layers), name or type(module).__name__, module, kind)
            layers.append(current)
            continue
        role = role_of(module)
        if current is not None and role is not None:
            if not current.attach(role[0], role[1], module):
                current = None
        elif not isinstance(module, nn.Identity):
            current = None
    return layers


def model_description(model: nn.Module, layers: List[LayerSpec]) -> Dict[str, Any]:
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {
        "framework": "pytorch",
        "class": type(model).__name__,
        "parameters": int(parameters),
        "layers": [layer.description() for layer in layers],
    }


def follower_modules(model: nn.Module) -> List[Tuple[str, nn.Module, str, str]]:
    """Every (name, module, role, label) that can follow a layer, for hooking."""
    found = []
    for name, module in model.named_modules():
        role = role_of(module)
        if role is not None:
            found.append((name, module, role[0], role[1]))
    return found


def device_label(model: nn.Module) -> str:
    """Where the model's parameters live, e.g. "cpu" or "cuda:0 (NVIDIA A100-SXM4-40GB)"."""
    import torch

    parameter = next(iter(model.parameters()), None)
    if parameter is None:
        return "cpu"
    device = parameter.device
    if device.type == "cuda":
        try:
            return f"{device} ({torch.cuda.get_device_name(device)})"
        except (RuntimeError, AssertionError):
            return str(device)
    return str(device)
