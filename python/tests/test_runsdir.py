"""Runs-directory resolution: the argument, else $SNN_LAB_RUNS_DIR, else the nearest folder at or above the
script's holding .snn-lab/ or .git/ (its .snn-lab/runs), else the script's own folder."""

import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from snn_lab import resolve_runs_dir


class RunsDirTest(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp()).resolve()
        self.deep = self.root / "project" / "experiments" / "mlp"
        self.deep.mkdir(parents=True)
        self.env = mock.patch.dict(os.environ, {}, clear=False)
        self.env.start()
        os.environ.pop("SNN_LAB_RUNS_DIR", None)
        self.addCleanup(self.env.stop)

    def test_the_argument_wins_then_the_environment(self):
        os.environ["SNN_LAB_RUNS_DIR"] = str(self.root / "from-env")
        self.assertEqual(resolve_runs_dir(self.root / "arg", start=self.deep), self.root / "arg")
        self.assertEqual(resolve_runs_dir(None, start=self.deep), self.root / "from-env")

    def test_walks_up_to_a_git_or_snn_lab_folder(self):
        (self.root / "project" / ".git").mkdir()
        self.assertEqual(resolve_runs_dir(start=self.deep), self.root / "project" / ".snn-lab" / "runs")
        (self.root / "project" / "experiments" / ".snn-lab").mkdir()
        self.assertEqual(resolve_runs_dir(start=self.deep), self.root / "project" / "experiments" / ".snn-lab" / "runs")

    def test_without_a_marker_the_start_folder(self):
        self.assertEqual(resolve_runs_dir(start=self.deep), self.deep / ".snn-lab" / "runs")


if __name__ == "__main__":
    unittest.main()
