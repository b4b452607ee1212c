"""snn_lab.probe(): one forward pass at initialisation written as a probe run; the model is left as it was;
dropout is off and normalisation uses the batch; a model that cannot be probed gives a failed run."""

import json
import math

import torch
from torch import nn

import snn_lab

from .support import RunsDirTestCase, lecun_mlp, read_json, read_jsonl


class ProbeTest(RunsDirTestCase):
    def test_a_probe_run_holds_one_step0_record_and_a_summary(self):
        model = lecun_mlp(width=64, depth=8)
        result = snn_lab.probe(model, torch.randn(512, 64), name="init", runs_dir=self.runs_dir)
        directory = self.only_run()
        self.assertEqual(result.run_dir, directory)
        meta = read_json(directory / "meta.json")
        self.assertEqual((meta["mode"], meta["status"], meta["name"]), ("probe", "finished", "init"))
        records = read_jsonl(directory / "layers.jsonl")
        self.assertEqual([(r["step"], r["epoch"], len(r["layers"])) for r in records], [(0, 0, 9)])
        self.assertTrue(all(math.isnan(s["gradNorm"]) and math.isnan(s["updateRatio"]) for s in records[0]["layers"]))
        raw = (directory / "layers.jsonl").read_text()
        self.assertIn('"gradNorm":"NaN"', raw, "NaN is written as the string SNN Lab reads")
        summary = read_json(directory / "summary.json")
        self.assertEqual((summary["steps"], summary["epochs"]), (0, 0))
        self.assertGreater(summary["samplesPerSec"], 0)
        self.assertEqual([s["layer"] for s in result.layers], list(range(9)))
        self.assertIn("pre var", result.table())
        # A LeCun SELU net keeps the variance near 1 at every depth (loose: one draw of 8 x 64).
        for stats in result.layers[:8]:
            self.assertLess(abs(stats["post"]["variance"] - 1.0), 0.35)

    def test_the_model_is_left_as_it_was_and_dropout_is_off(self):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.SELU(), nn.AlphaDropout(0.5), nn.Linear(16, 2))
        model.train()
        model[1].eval()
        before = {k: v.clone() for k, v in model.state_dict().items()}
        x = torch.randn(256, 8) * 3 + 1
        first = snn_lab.probe(model, x, runs_dir=self.runs_dir)
        second = snn_lab.probe(model, x, runs_dir=self.runs_dir)
        self.assertEqual(json.dumps(first.layers), json.dumps(second.layers), "no dropout randomness")
        for key, value in model.state_dict().items():
            self.assertTrue(torch.equal(value, before[key]), f"{key} changed")
        self.assertTrue(model.training and not model[1].training and model[3].training)
        self.assertLess(abs(first.layers[0]["pre"]["mean"]), 1e-5, "batch statistics normalise the batch")

    def test_a_batch_size_draws_standard_normal_input(self):
        model = lecun_mlp(width=32, depth=2, inputs=20)
        result = snn_lab.probe(model, 4096, runs_dir=self.runs_dir)
        self.assertEqual(read_json(result.run_dir / "summary.json")["samplesPerSec"] > 0, True)
        self.assertLess(abs(result.layers[0]["pre"]["variance"] - 1.0), 0.2)

    def test_a_model_without_linear_layers_is_a_failed_probe(self):
        with self.assertRaisesRegex(snn_lab.ProbeError, "Sequential has no nn.Linear or nn.Conv layer"):
            snn_lab.probe(nn.Sequential(nn.SELU()), torch.randn(4, 3), runs_dir=self.runs_dir)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual((meta["status"], meta["failure"]["reason"]), ("failed", "data"))

    def test_a_forward_pass_that_raises_is_a_failed_probe(self):
        with self.assertRaises(RuntimeError):
            snn_lab.probe(lecun_mlp(width=8, depth=2, inputs=4), torch.randn(4, 5), runs_dir=self.runs_dir)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual((meta["status"], meta["failure"]["reason"]), ("failed", "crashed"))
        self.assertIn("mat1 and mat2", meta["failure"]["message"])
