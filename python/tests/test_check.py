"""snn_lab.check(): PyTorch's SELU pitfalls found, and none for a correct SNN; watch() records them in meta.json
and emits them as SnnLabWarning pointing at the user's line."""

import math
import unittest

import torch
from torch import nn

import snn_lab

from .support import RunsDirTestCase, lecun_mlp, read_json


def selu_net(init, width=256, depth=3, dropout=None, norm=False):
    torch.manual_seed(0)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        init(linear.weight)
        layers += [linear] + ([nn.BatchNorm1d(width)] if norm else []) + [nn.SELU()]
        if dropout is not None:
            layers.append(dropout())
    return nn.Sequential(*layers, nn.Linear(width, 2))


def codes(model):
    return [p.code for p in snn_lab.check(model, warn=False)]


class PitfallsTest(unittest.TestCase):
    def test_the_torch_facts_behind_the_pitfalls(self):
        self.assertEqual(nn.init.calculate_gain("selu"), 0.75)
        weight = nn.Linear(1000, 1000).weight
        self.assertAlmostEqual(float(weight.var()) * 1000, 1 / 3, delta=0.01)

    def test_default_linear_init_is_flagged_on_every_selu_layer(self):
        found = snn_lab.check(selu_net(lambda w: None), warn=False)
        self.assertEqual([p.code for p in found], ["selu-default-init"] * 3)
        self.assertEqual([p.module for p in found], ["0", "2", "4"])
        self.assertIn("1/(3*fan_in)", found[0].message)

    def test_kaiming_normal_with_the_selu_gain_is_flagged(self):
        found = codes(selu_net(lambda w: nn.init.kaiming_normal_(w, nonlinearity="selu")))
        self.assertEqual(found, ["selu-kaiming-gain"] * 3)

    def test_other_variances_are_flagged_and_lecun_normal_passes(self):
        self.assertEqual(codes(selu_net(lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))), ["selu-init-variance"] * 3)
        self.assertEqual(codes(selu_net(lambda w: nn.init.normal_(w, 0.0, 1 / math.sqrt(256)))), [])
        self.assertEqual(codes(lecun_mlp(width=64, depth=8)), [])

    def test_standard_dropout_after_selu_and_batch_norm_in_an_snn(self):
        lecun = lambda w: nn.init.normal_(w, 0.0, 1 / 16)  # noqa: E731
        self.assertEqual(codes(selu_net(lecun, dropout=lambda: nn.Dropout(0.1))), ["selu-standard-dropout"] * 3)
        self.assertEqual(codes(selu_net(lecun, dropout=lambda: nn.AlphaDropout(0.1))), [])
        self.assertEqual(codes(selu_net(lecun, norm=True)), ["selu-batchnorm"] * 3)
        relu_bn = nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
        self.assertEqual(codes(relu_bn), [])

    def test_check_warns_at_the_callers_line(self):
        with self.assertWarns(snn_lab.SnnLabWarning) as caught:
            snn_lab.check(selu_net(lambda w: None, depth=1))
        self.assertEqual(caught.filename, __file__)


class WatchRecordsPitfallsTest(RunsDirTestCase):
    def test_meta_holds_the_pitfalls_and_a_functional_activation_is_named(self):
        class Functional(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(128, 128)
                self.fc2 = nn.Linear(128, 2)

            def forward(self, x):
                return self.fc2(torch.selu(self.fc1(x)))

        model = Functional()
        with snn_lab.watch(model, runs_dir=self.runs_dir) as run:
            model(torch.randn(8, 128)).sum().backward()
            with self.assertWarnsRegex(snn_lab.SnnLabWarning, "activation-not-seen"):
                run.step(loss=0.0)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual([w["code"] for w in meta["warnings"]], ["activation-not-seen"])
        self.assertEqual(meta["warnings"][0]["module"], "fc1")

    def test_the_default_init_warning_reaches_meta_json(self):
        model = selu_net(lambda w: None, width=128, depth=2)
        with self.assertWarnsRegex(snn_lab.SnnLabWarning, "selu-default-init"):
            run = snn_lab.watch(model, runs_dir=self.runs_dir)
        with run:
            model(torch.randn(4, 128)).sum().backward()
            run.step(loss=0.0)
        meta = read_json(self.only_run() / "meta.json")
        self.assertEqual([(w["code"], w["layer"]) for w in meta["warnings"]], [("selu-default-init", 0), ("selu-default-init", 1)])


if __name__ == "__main__":
    unittest.main()
