"""snn_lab.watch() on real PyTorch training: what each file holds, that the statistics are those of the training
batch's tensors (checked against a direct computation), the reporting cadence, hooks only on reporting steps,
and the structures a model can have (batch norm, in-place and shared activations, convolutions)."""

import math
import time
import unittest
from unittest import mock

import torch
from torch import nn

import snn_lab
from snn_lab import _stats as stats

from .support import RunsDirTestCase, lecun_mlp, read_json, read_jsonl


def train(run, model, steps, batch=32, inputs=64, seed=11, lr=1e-2):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        x = torch.randn(batch, inputs, generator=generator)
        y = torch.randint(0, 3, (batch,), generator=generator)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        run.step(loss=loss)
    return loss


class WatchFilesTest(RunsDirTestCase):
    def test_a_finished_run_has_every_file_and_the_reporting_cadence(self):
        model = lecun_mlp(width=32, depth=4)
        with snn_lab.watch(model, name="mlp", runs_dir=self.runs_dir, every=5, config={"lr": 0.01}, total_steps=12) as run:
            train(run, model, 12)
            run.log_epoch({"loss": 1.0, "accuracy": torch.tensor(0.5), "val_loss": 1.1})
            run.finish(test={"test_accuracy": 0.4})
        directory = self.only_run()
        self.assertRegex(directory.name, r"^\d{8}-\d{6}-mlp-[0-9a-f]{4}$")
        meta = read_json(directory / "meta.json")
        self.assertEqual((meta["status"], meta["mode"], meta["schemaVersion"], meta["totalSteps"]), ("finished", "train", 2, 12))
        self.assertEqual(meta["source"]["kind"], "pytorch")
        self.assertEqual(meta["source"]["versions"]["torch"], torch.__version__)
        self.assertEqual(meta["source"]["device"], "cpu")
        self.assertEqual(meta["owner"]["pid"], meta["executor"]["pid"])
        self.assertEqual([layer["activation"] for layer in meta["layers"]], ["selu"] * 4 + ["none"])
        self.assertEqual([layer["name"] for layer in meta["layers"]], ["0", "2", "4", "6", "8"])
        config = read_json(directory / "config.json")
        self.assertEqual(config["hyperparameters"], {"lr": 0.01})
        self.assertEqual(config["model"]["class"], "Sequential")
        self.assertEqual(len(config["model"]["layers"]), 5)
        self.assertNotIn("config", config)
        layers = read_jsonl(directory / "layers.jsonl")
        self.assertEqual([r["step"] for r in layers], [0, 5, 10])
        self.assertTrue(all(len(r["layers"]) == 5 for r in layers))
        metrics = read_jsonl(directory / "metrics.jsonl")
        progress = [m for m in metrics if m["kind"] == "progress"]
        self.assertTrue({0, 5, 10} <= {m["step"] for m in progress}, "reporting steps always carry the loss")
        self.assertTrue(all(m["samplesPerSec"] > 0 for m in progress))
        epoch = [m for m in metrics if m["kind"] == "epoch"]
        self.assertEqual(epoch[0]["metrics"], {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.1})
        self.assertEqual(epoch[0]["step"], 12)
        summary = read_json(directory / "summary.json")
        self.assertEqual((summary["steps"], summary["epochs"]), (12, 1))
        self.assertEqual(summary["test"], {"test_accuracy": 0.4})
        self.assertEqual(summary["final"], {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.1})
        self.assertEqual([p.name for p in directory.iterdir() if ".tmp-" in p.name], [])

    def test_lines_are_on_disk_while_the_run_is_open(self):
        model = lecun_mlp(width=16, depth=2)
        with snn_lab.watch(model, runs_dir=self.runs_dir, every=1) as run:
            train(run, model, 3)
            layers = read_jsonl(run.dir / "layers.jsonl")
            self.assertEqual([r["step"] for r in layers], [0, 1, 2])
            self.assertEqual(read_json(run.dir / "meta.json")["status"], "running")

    def test_meta_json_follows_the_progress_while_running(self):
        model = lecun_mlp(width=16, depth=2)
        with mock.patch.object(snn_lab._run, "META_INTERVAL_S", 0.0), mock.patch.object(
            snn_lab._run, "PROGRESS_INTERVAL_S", 0.0
        ):
            with snn_lab.watch(model, runs_dir=self.runs_dir, every=100) as run:
                train(run, model, 3)
                deadline = time.monotonic() + 10
                progress = None
                while time.monotonic() < deadline:
                    progress = read_json(run.dir / "meta.json").get("progress")
                    if progress and progress["step"] == 2:
                        break
                    time.sleep(0.02)
                self.assertEqual(progress and progress["step"], 2, "written by the meta thread")
                self.assertEqual(read_json(run.dir / "meta.json")["status"], "running")
        self.assertEqual(read_json(self.only_run() / "meta.json")["status"], "finished")

    def test_hooks_exist_only_on_reporting_steps(self):
        model = lecun_mlp(width=16, depth=2)

        def hooked():
            return sum(len(m._forward_hooks) for m in model.modules())

        with snn_lab.watch(model, runs_dir=self.runs_dir, every=4) as run:
            self.assertGreater(hooked(), 0, "armed for step 0")
            train(run, model, 1)
            self.assertEqual(hooked(), 0, "steps 1..3 run the model untouched")
            train(run, model, 3)
            self.assertGreater(hooked(), 0, "armed again for step 4")
        self.assertEqual(hooked(), 0)
        self.assertEqual(sum(len(p._backward_hooks or {}) for p in model.parameters()), 0)


class WatchStatisticsTest(RunsDirTestCase):
    def test_step0_statistics_are_those_of_the_training_batch(self):
        model = lecun_mlp(width=32, depth=3, inputs=16)
        x = torch.randn(64, 16)
        y = torch.randint(0, 3, (64,))
        first = model[0]
        w0 = first.weight.detach().clone()
        with torch.no_grad():
            z = first(x)
            a = model[1](z)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        with snn_lab.watch(model, runs_dir=self.runs_dir, every=10) as run:
            model.eval()
            model(torch.randn(5, 16) * 100)  # an eval pass before training is not captured
            model.train()
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            grad_norm = float(first.weight.grad.double().norm())
            optimizer.step()
            run.step(loss=loss)
        record = read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"][0]
        expected_pre = stats.unpack_distribution(stats.distribution_vector(z, 5.0, 40).tolist(), 0, 40, 5.0)
        expected_post = stats.unpack_distribution(stats.distribution_vector(a, 5.0, 40).tolist(), 0, 40, 5.0)
        self.assertEqual(record["pre"], expected_pre)
        self.assertEqual(record["post"], expected_post)
        self.assertAlmostEqual(record["gradNorm"], grad_norm, places=5)
        ratio = float((first.weight.detach().double() - w0.double()).norm() / w0.double().norm())
        self.assertAlmostEqual(record["updateRatio"], ratio, places=9)
        self.assertAlmostEqual(record["weights"]["variance"], float(w0.double().var(unbiased=False)), places=12)
        self.assertEqual(record["units"], 32)

    def test_batch_norm_gives_linear_and_normalised_pre(self):
        torch.manual_seed(2)
        model = nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3))
        with torch.no_grad():
            model[0].bias.fill_(3.0)  # the raw output is far from mean 0; batch norm brings it back
        with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
            train(run, model, 1, inputs=8)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual(meta["layers"][0]["normalization"], "batchnorm")
        self.assertEqual(meta["layers"][0]["dropout"], "standard 0.2")
        record = read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"][0]
        self.assertGreater(record["linear"]["mean"], 2.0)
        self.assertLess(abs(record["pre"]["mean"]), 1e-5)
        self.assertAlmostEqual(record["pre"]["variance"], 1.0, delta=1e-3)
        self.assertEqual(record["post"]["min"], 0.0, "ReLU then dropout: nothing negative")
        self.assertNotIn("linear", read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"][1])

    def test_in_place_activation_does_not_overwrite_the_pre_activation(self):
        torch.manual_seed(3)
        model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(inplace=True), nn.Linear(32, 3))
        with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
            train(run, model, 1, inputs=16)
        record = read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"][0]
        self.assertLess(record["pre"]["min"], 0.0)
        self.assertEqual(record["post"]["min"], 0.0)
        self.assertGreaterEqual(record["dead"], 0.0)

    def _reports_equal_direct_computation(self, model, steps, every):
        """Trains `model` (first module a Linear) and checks that each report's layer-0 pre statistics are those of
        the Linear output for the training batch, computed directly before the step. Returns the reported steps."""
        generator = torch.Generator().manual_seed(5)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        expected = {}
        with snn_lab.watch(model, runs_dir=self.runs_dir, every=every) as run:
            for step in range(steps):
                x = torch.randn(32, 16, generator=generator)
                y = torch.randint(0, 3, (32,), generator=generator)
                with torch.no_grad():
                    expected[step] = stats.distribution_vector(model[0](x), 5.0, 40).tolist()
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(x), y)
                loss.backward()
                optimizer.step()
                run.step(loss=loss)
        records = read_jsonl(self.only_run() / "layers.jsonl")
        for record in records:
            direct = stats.unpack_distribution(expected[record["step"]], 0, 40, 5.0)
            self.assertEqual(record["layers"][0]["pre"], direct, f"step {record['step']}")
        return [r["step"] for r in records]

    def test_later_reports_hold_the_forward_pass_values_kept_by_reference(self):
        torch.manual_seed(4)
        model = nn.Sequential(nn.Linear(16, 32), nn.SELU(), nn.Linear(32, 3))
        self.assertEqual(self._reports_equal_direct_computation(model, 7, 3), [0, 3, 6])

    def test_later_reports_with_an_in_place_activation_copy_the_layer_output(self):
        torch.manual_seed(4)
        model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(inplace=True), nn.Linear(32, 3))
        self.assertEqual(self._reports_equal_direct_computation(model, 7, 3), [0, 3, 6])
        records = read_jsonl(self.only_run() / "layers.jsonl")
        self.assertTrue(all(r["layers"][0]["post"]["min"] == 0.0 for r in records))

    def test_an_output_changed_in_place_on_a_new_path_drops_the_report_and_takes_it_again(self):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(16, 32)
                self.act = nn.SELU()
                self.out = nn.Linear(32, 3)
                self.shift = False

            def forward(self, x):
                h = self.fc(x)
                if self.shift:
                    h.add_(1.0)  # after the hook: the Linear output it kept changes
                return self.out(self.act(h))

        torch.manual_seed(6)
        model = Net()
        generator = torch.Generator().manual_seed(5)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        expected = {}
        with snn_lab.watch(model, runs_dir=self.runs_dir, every=2) as run:
            for step in range(7):
                model.shift = step >= 4
                x = torch.randn(32, 16, generator=generator)
                y = torch.randint(0, 3, (32,), generator=generator)
                with torch.no_grad():
                    expected[step] = stats.distribution_vector(model.fc(x), 5.0, 40).tolist()
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(x), y)
                loss.backward()
                optimizer.step()
                run.step(loss=loss)
        directory = self.only_run()
        records = read_jsonl(directory / "layers.jsonl")
        self.assertEqual([r["step"] for r in records], [0, 2, 5, 6], "the step-4 report is taken at step 5")
        for record in records:
            direct = stats.unpack_distribution(expected[record["step"]], 0, 40, 5.0)
            self.assertEqual(record["layers"][0]["pre"], direct, f"step {record['step']}")
        log = (directory / "trainer.log").read_text(encoding="utf-8")
        self.assertIn("step 4: fc (raw) changed in place after the forward pass", log)

    def test_one_activation_module_reused_after_every_layer(self):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = nn.ModuleList([nn.Linear(16, 16) for _ in range(3)])
                self.head = nn.Linear(16, 3)
                self.act = nn.SELU()

            def forward(self, x):
                for layer in self.layers:
                    x = self.act(layer(x))
                return self.head(x)

        model = Net()
        with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
            train(run, model, 1, inputs=16)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual([layer["activation"] for layer in meta["layers"]], ["selu", "selu", "selu", "none"])
        record = read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"]
        self.assertTrue(all(r["post"]["min"] >= stats.SELU_SATURATION - 1e-6 for r in record[:3]))

    def test_convolutions_report_channels_as_units(self):
        torch.manual_seed(4)
        model = nn.Sequential(nn.Conv2d(1, 6, 3), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 6 * 6, 2))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
            loss = nn.functional.cross_entropy(model(torch.randn(4, 1, 8, 8)), torch.tensor([0, 1, 0, 1]))
            loss.backward()
            optimizer.step()
            run.step(loss=loss)
        layers = read_jsonl(self.only_run() / "layers.jsonl")[0]["layers"]
        self.assertEqual([(r["kind"], r["units"]) for r in layers], [("conv2d", 6), ("linear", 2)])
        self.assertEqual(read_json(self.only_run() / "meta.json")["layers"][0]["fanIn"], 9)
        self.assertTrue(math.isfinite(layers[0]["gradNorm"]))


if __name__ == "__main__":
    unittest.main()
