"""Version of the snn_lab package and of the run-store format it writes (docs/run-store.md)."""

__version__ = "0.1.0"

#: Run-store format version written by this package (2: runs from other sources, docs/run-store.md).
RUN_SCHEMA_VERSION = 2
