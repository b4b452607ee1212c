"""Bad input and bad endings: a model without Linear layers, NaN activations and losses, a script that crashes,
is interrupted or terminated (with and without `with`), a runs directory that cannot be written, a run
directory removed mid-run, bad arguments. Each ends with a clear message and a recorded state, and whatever was
recorded before stays."""

import os
import signal
import time
import unittest

import torch
from torch import nn

import snn_lab

from .support import RunsDirTestCase, lecun_mlp, read_json, read_jsonl, run_script
from .test_watch import train


class BadModelTest(RunsDirTestCase):
    def test_a_model_without_linear_layers_records_metrics_and_says_why_no_layers(self):
        model = nn.Sequential(nn.SELU(), nn.Tanh())
        with self.assertWarnsRegex(snn_lab.SnnLabWarning, "no nn.Linear or nn.Conv layer"):
            run = snn_lab.watch(model, runs_dir=self.runs_dir, every=1)
        with run:
            for step in range(3):
                model(torch.randn(4, 2))
                run.step(loss=1.0 / (step + 1))
        directory = self.only_run()
        meta = read_json(directory / "meta.json")
        self.assertEqual(meta["status"], "finished")
        self.assertEqual([w["code"] for w in meta["warnings"]], ["no-linear-layers"])
        self.assertEqual(read_jsonl(directory / "layers.jsonl"), [])
        self.assertEqual(len([m for m in read_jsonl(directory / "metrics.jsonl") if m["kind"] == "progress"]), 1)

    def test_nan_activations_end_the_run_diverged_keeping_earlier_records(self):
        model = lecun_mlp(width=16, depth=3, inputs=8)
        with self.assertRaisesRegex(snn_lab.DivergedError, r"step 2 .*first non-finite: layer 1, 2"):
            with snn_lab.watch(model, runs_dir=self.runs_dir, every=1) as run:
                train(run, model, 2, inputs=8)
                with torch.no_grad():
                    model[2].weight[0, 0] = float("nan")
                train(run, model, 3, inputs=8)
        directory = self.only_run()
        meta = read_json(directory / "meta.json")
        self.assertEqual(meta["status"], "diverged")
        self.assertEqual((meta["failure"]["reason"], meta["failure"]["step"], meta["failure"]["layer"]), ("diverged", 2, 1))
        layers = read_jsonl(directory / "layers.jsonl")
        self.assertEqual([r["step"] for r in layers], [0, 1, 2])
        self.assertTrue(all(isinstance(v, float) for v in layers[2]["layers"][1]["pre"]["percentiles"]))
        losses = [m["loss"] for m in read_jsonl(directory / "metrics.jsonl") if m["kind"] == "progress"]
        self.assertNotEqual(losses[-1], losses[-1], "the NaN loss of step 2 is recorded (as the string NaN)")
        self.assertIn("[diverged]", (directory / "trainer.log").read_text())

    def test_a_nan_loss_between_reports_and_on_nonfinite_warn(self):
        model = lecun_mlp(width=8, depth=2, inputs=4)
        with self.assertRaisesRegex(snn_lab.DivergedError, "loss is nan at step 3"):
            with snn_lab.watch(model, runs_dir=self.runs_dir, every=100) as run:
                for step in range(5):
                    time.sleep(0.11)  # past the 0.1 s progress throttle: every loss is read
                    run.step(loss=torch.tensor(float("nan") if step == 3 else 1.0))
        self.assertEqual(read_json(self.only_run() / "meta.json")["failure"]["step"], 3)
        other = self.runs_dir / "warn"
        with snn_lab.watch(model, runs_dir=other, every=100, on_nonfinite="warn") as run:
            run.step(loss=float("nan"))
            run.step(loss=1.0)
        self.assertEqual(read_json(next(other.iterdir()) / "meta.json")["status"], "finished")

    def test_an_exception_in_the_loop_fails_the_run_with_its_traceback(self):
        model = lecun_mlp(width=8, depth=2, inputs=4)
        with self.assertRaises(ZeroDivisionError):
            with snn_lab.watch(model, runs_dir=self.runs_dir, every=1) as run:
                train(run, model, 2, inputs=4)
                1 / 0
        directory = self.only_run()
        meta = read_json(directory / "meta.json")
        self.assertEqual(meta["status"], "failed")
        self.assertEqual(meta["failure"]["reason"], "crashed")
        self.assertEqual(meta["failure"]["message"], "ZeroDivisionError: division by zero (at step 2)")
        self.assertIn("Traceback", (directory / "trainer.log").read_text())
        self.assertEqual(len(read_jsonl(directory / "layers.jsonl")), 2)
        self.assertFalse((directory / "summary.json").exists())

    def test_ctrl_c_stops_the_run(self):
        model = lecun_mlp(width=8, depth=2, inputs=4)
        with self.assertRaises(KeyboardInterrupt):
            with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
                train(run, model, 1, inputs=4)
                raise KeyboardInterrupt
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual((meta["status"], meta["failure"]["message"]), ("stopped", "interrupted (SIGINT) at step 1"))


SCRIPT = """
import os, signal, sys, time, torch
import snn_lab
from torch import nn
model = nn.Sequential(nn.Linear(4, 8), nn.SELU(), nn.Linear(8, 2))
ending = sys.argv[1] if len(sys.argv) > 1 else os.environ["ENDING"]
run = snn_lab.watch(model, name="script", every=1)
context = run if ending.startswith("with") else None
def loop():
    for step in range(4):
        model(torch.randn(3, 4)).sum().backward()
        run.step(loss=1.0)
    if ending.endswith("crash"):
        raise RuntimeError("CUDA out of memory (simulated)")
    if ending.endswith("sigterm"):
        print("ready", flush=True)
        time.sleep(30)
if context:
    with context:
        loop()
else:
    loop()
"""


class ScriptEndingsTest(RunsDirTestCase):
    def ending(self, ending, sigterm=False):
        process = run_script(SCRIPT, self.runs_dir, env={"ENDING": ending})
        if sigterm:
            self.assertEqual(process.stdout.readline().strip(), "ready")
            process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
        meta = read_json(self.only_run() / "meta.json")
        return process.returncode, meta, err

    def test_an_uncaught_exception_without_with_fails_the_run(self):
        code, meta, err = self.ending("plain-crash")
        self.assertEqual(code, 1)
        self.assertIn("CUDA out of memory", err)
        self.assertEqual((meta["status"], meta["failure"]["reason"]), ("failed", "crashed"))

    def test_a_script_that_never_calls_finish_is_finished_at_exit(self):
        code, meta, _ = self.ending("plain-end")
        self.assertEqual((code, meta["status"]), (0, "finished"))
        self.assertTrue((self.only_run() / "summary.json").exists())

    def test_sigterm_stops_the_run_with_and_without_with(self):
        for ending in ("with-sigterm", "plain-sigterm"):
            with self.subTest(ending=ending):
                for old in self.runs_dir.iterdir():
                    os.rename(old, self.runs_dir.parent / f"{self.runs_dir.name}-{old.name}")
                code, meta, _ = self.ending(ending, sigterm=True)
                self.assertEqual(code, 143)
                self.assertEqual(meta["status"], "stopped")
                self.assertEqual(meta["failure"]["message"], "terminated (SIGTERM) at step 4")
                self.assertEqual(len(read_jsonl(self.only_run() / "layers.jsonl")), 4)


class RunsDirectoryTest(RunsDirTestCase):
    def test_an_unwritable_runs_directory_is_a_clear_error_before_training(self):
        blocker = self.runs_dir / "a-file"
        blocker.write_text("not a folder")
        with self.assertRaisesRegex(snn_lab.RunStoreError, r"cannot create a run directory in .*a-file/runs.*SNN_LAB_RUNS_DIR"):
            snn_lab.watch(lecun_mlp(width=4, depth=1, inputs=2), runs_dir=blocker / "runs")
        self.assertEqual(sorted(p.name for p in self.runs_dir.iterdir()), ["a-file"])

    def test_a_run_directory_removed_mid_run_does_not_stop_training(self):
        import shutil
        import contextlib
        import io

        model = lecun_mlp(width=8, depth=2, inputs=4)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            with snn_lab.watch(model, runs_dir=self.runs_dir, every=1) as run:
                train(run, model, 1, inputs=4)
                shutil.rmtree(run.dir)
                train(run, model, 3, inputs=4)
        self.assertEqual(run.status, "finished")
        self.assertEqual(run.steps, 4)
        self.assertRegex(stderr.getvalue(), r"snn_lab: cannot write .*meta.json: .*\(training goes on\)")
        meta_lines = [line for line in stderr.getvalue().splitlines() if "meta.json:" in line]
        self.assertEqual(len(meta_lines), 1, "reported once per file")

    def test_bad_arguments_name_the_argument(self):
        model = lecun_mlp(width=4, depth=1, inputs=2)
        for options, message in (
            ({"every": 0}, "every must be an integer >= 1"),
            ({"bins": 1}, "bins must be an integer in 2..512"),
            ({"value_range": float("inf")}, "value_range must be a finite number > 0"),
            ({"on_nonfinite": "ignore"}, "on_nonfinite must be 'stop' or 'warn'"),
        ):
            with self.assertRaisesRegex(ValueError, message):
                snn_lab.watch(model, runs_dir=self.runs_dir, **options)
        with self.assertRaisesRegex(TypeError, "expected a torch.nn.Module, got str"):
            snn_lab.watch("model", runs_dir=self.runs_dir)
        self.assertEqual(list(self.runs_dir.iterdir()), [], "nothing was created")


if __name__ == "__main__":
    unittest.main()
