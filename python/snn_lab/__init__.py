"""snn_lab: record PyTorch training runs in SNN Lab's run store, so SNN Lab's dashboard (curves, per-layer
statistics, distributions, the SELU fixed-point plane) shows them beside its own runs. See docs/pytorch.md.

    import snn_lab
    with snn_lab.watch(model, name="selu-mlp", every=50) as run:
        for x, y in loader:
            ...; loss.backward(); optimizer.step()
            run.step(loss=loss)
        run.log_epoch({"loss": train_loss, "val_accuracy": accuracy})
"""

from ._check import Pitfall, SnnLabWarning, check
from ._lifecycle import Terminated
from ._probe import ProbeError, ProbeResult, probe
from ._run import DivergedError, Run, watch
from ._runsdir import resolve_runs_dir
from ._store import RunStoreError
from ._version import RUN_SCHEMA_VERSION, __version__

__all__ = [
    "DivergedError",
    "Pitfall",
    "ProbeError",
    "ProbeResult",
    "RUN_SCHEMA_VERSION",
    "Run",
    "RunStoreError",
    "SnnLabWarning",
    "Terminated",
    "__version__",
    "check",
    "probe",
    "resolve_runs_dir",
    "watch",
]
