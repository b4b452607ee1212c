"""The reductions of snn_lab._stats against plain-Python float64 references of SNN Lab's definitions
(src/core/statistics.ts, src/core/percentiles.ts): moments, min/max, percentiles, histogram, weight omega/tau,
SELU saturation, dead units, non-finite input. Tolerance 1e-12 relative: both sides sum in float64. Every test
runs twice: with numpy on CPU tensors (the default) and with the torch kernels used on other devices."""

import math
import random
import unittest
from unittest import mock

import torch

from snn_lab import _stats as stats

RANGE = 3.0
BINS = 12


def reference_percentiles(values, ps=stats.TB_PERCENTILES):
    finite = sorted(v for v in values if math.isfinite(v))
    if not finite:
        return [math.nan] * len(ps)
    out = []
    for p in ps:
        x = p / 100 * (len(finite) - 1)
        lo = math.floor(x)
        frac = x - lo
        a = finite[lo]
        out.append(a if frac == 0 else a + frac * (finite[math.ceil(x)] - a))
    return out


def reference_histogram(values, lo, hi, bins):
    counts, under, over = [0] * bins, 0, 0
    scale = bins / (hi - lo)
    for v in values:
        if v < lo:
            under += 1
        elif v >= hi:
            over += 1
        elif v >= lo:
            counts[min(bins - 1, math.floor((v - lo) * scale))] += 1
    return counts, under, over


def summary(values, dtype=torch.float32):
    tensor = torch.tensor(values, dtype=dtype)
    vector = stats.distribution_vector(tensor, RANGE, BINS)
    return stats.unpack_distribution(vector.tolist(), 0, BINS, RANGE), [float(v) for v in tensor.tolist()]


class DistributionTest(unittest.TestCase):
    def setUp(self):
        self.assertIsNotNone(stats.cpu, "numpy is installed here: the default path is the numpy one")

    def assertClose(self, actual, expected, tol=1e-12):
        if math.isnan(expected):
            self.assertTrue(math.isnan(actual), f"{actual} should be NaN")
        else:
            self.assertLessEqual(abs(actual - expected), tol * max(1.0, abs(expected)), f"{actual} vs {expected}")

    def test_matches_the_reference_on_random_values_with_ties(self):
        rng = random.Random(5)
        values = [rng.gauss(0.2, 1.3) for _ in range(5000)] + [0.0] * 300 + [RANGE, -RANGE, 7.5, -9.0]
        got, exact = summary(values)
        n = len(exact)
        mean = sum(exact) / n
        self.assertClose(got["mean"], mean)
        self.assertClose(got["variance"], sum((v - mean) ** 2 for v in exact) / n)
        self.assertEqual(got["min"], min(exact))
        self.assertEqual(got["max"], max(exact))
        for actual, expected in zip(got["percentiles"], reference_percentiles(exact)):
            self.assertClose(actual, expected)
        counts, under, over = reference_histogram(exact, -RANGE, RANGE, BINS)
        self.assertEqual(got["histogram"]["counts"], counts)
        self.assertEqual((got["histogram"]["under"], got["histogram"]["over"]), (under, over))
        self.assertEqual(sum(counts) + under + over, n)

    def test_histogram_edges_lo_inclusive_hi_exclusive(self):
        got, _ = summary([-RANGE, RANGE, math.nextafter(RANGE, 0), 0.0], dtype=torch.float64)
        counts = got["histogram"]["counts"]
        self.assertEqual(counts[0], 1)
        self.assertEqual(counts[-1], 1)
        self.assertEqual(got["histogram"]["over"], 1)
        self.assertEqual(counts[BINS // 2], 1)

    def test_histogram_edges_in_float32_and_float64(self):
        edges = [-RANGE + k * (2 * RANGE / BINS) for k in range(BINS + 1)]
        for dtype in (torch.float32, torch.float64):
            eps = float(torch.finfo(dtype).eps)
            values = [e * (1 + d * eps) for e in edges for d in (-2.0, 0.0, 2.0)] + [RANGE, -RANGE, 0.0]
            got, exact = summary(values, dtype=dtype)
            counts, under, over = reference_histogram(exact, -RANGE, RANGE, BINS)
            self.assertEqual(got["histogram"]["counts"], counts, str(dtype))
            self.assertEqual((got["histogram"]["under"], got["histogram"]["over"]), (under, over), str(dtype))

    def test_non_finite_values(self):
        values = [1.0, 2.0, math.nan, math.inf, -math.inf, 2.5]
        got, _ = summary(values)
        self.assertTrue(math.isnan(got["mean"]) and math.isnan(got["variance"]))
        self.assertEqual((got["min"], got["max"]), (-math.inf, math.inf))
        for actual, expected in zip(got["percentiles"], reference_percentiles([1.0, 2.0, 2.5])):
            self.assertClose(actual, expected)
        self.assertEqual((got["histogram"]["under"], got["histogram"]["over"]), (1, 1))
        self.assertEqual(sum(got["histogram"]["counts"]), 3)

    def test_all_nan_and_empty(self):
        got, _ = summary([math.nan, math.nan])
        self.assertTrue(all(math.isnan(p) for p in got["percentiles"]))
        self.assertEqual((got["min"], got["max"]), (math.inf, -math.inf))
        self.assertEqual(sum(got["histogram"]["counts"]) + got["histogram"]["under"], 0)
        empty = stats.unpack_distribution(stats.distribution_vector(torch.zeros(0), RANGE, BINS).tolist(), 0, BINS, RANGE)
        self.assertTrue(math.isnan(empty["mean"]) and math.isnan(empty["min"]))
        self.assertEqual(empty["histogram"]["counts"], [0] * BINS)

    def test_constant_and_single_values(self):
        got, _ = summary([1.5] * 7)
        self.assertEqual(got["percentiles"], [1.5] * 9)
        self.assertEqual(got["variance"], 0.0)
        got, _ = summary([-0.25])
        self.assertEqual(got["percentiles"], [-0.25] * 9)


class LayerFactsTest(unittest.TestCase):
    def setUp(self):
        self.assertIsNotNone(stats.cpu)
    def test_weight_stats_are_omega_and_tau_per_output_unit(self):
        torch.manual_seed(1)
        weight = torch.randn(5, 7, dtype=torch.float64)  # PyTorch layout: [units, fan_in]
        got = dict(zip(stats.WEIGHT_FIELDS, stats.weight_vector(weight).tolist()[:6]))
        rows = weight.tolist()
        omega = [sum(r) for r in rows]
        tau = [sum(v * v for v in r) for r in rows]
        flat = [v for r in rows for v in r]
        mean = sum(flat) / len(flat)

        def std(xs):
            m = sum(xs) / len(xs)
            return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))

        expected = {
            "mean": mean,
            "variance": sum((v - mean) ** 2 for v in flat) / len(flat),
            "omegaMean": sum(omega) / 5,
            "omegaStd": std(omega),
            "tauMean": sum(tau) / 5,
            "tauStd": std(tau),
        }
        for key, value in expected.items():
            self.assertAlmostEqual(got[key], value, places=12, msg=key)

    def test_conv_weights_count_channels_times_kernel_as_fan_in(self):
        weight = torch.ones(3, 2, 2, 2)
        got = dict(zip(stats.WEIGHT_FIELDS, stats.weight_vector(weight).tolist()))
        self.assertEqual((got["omegaMean"], got["tauMean"], got["omegaStd"]), (8.0, 8.0, 0.0))

    def test_selu_saturation_within_a_relative_tolerance(self):
        sat = stats.SELU_SATURATION
        post = torch.tensor([sat, sat * (1 - 0.9e-3), sat * (1 - 1.2e-3), 0.0, 1.0], dtype=torch.float64)
        saturated, dead = stats.activation_vector(post, "selu", -1).tolist()
        self.assertAlmostEqual(saturated, 2 / 5, places=12)
        self.assertEqual(dead, 0.0)
        self.assertEqual(stats.activation_vector(post, "tanh", -1).tolist(), [0.0, 0.0])

    def test_dead_relu_units_are_zero_for_every_row(self):
        post = torch.tensor([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
        self.assertEqual(stats.activation_vector(post, "relu", -1).tolist(), [0.0, 0.5])
        conv = torch.zeros(2, 3, 4, 4)
        conv[1, 2, 0, 0] = 1.0  # channel 2 is alive once
        self.assertAlmostEqual(stats.activation_vector(conv, "relu", 1).tolist()[1], 2 / 3, places=12)

    def test_gradient_norm_and_update_ratio(self):
        before = torch.tensor([[3.0, 4.0]])
        after = torch.tensor([[3.0, 4.5]])
        grad = torch.tensor([[1.0, 2.0], [2.0, 4.0]])
        values = stats.weight_vector(before, after, grad).tolist()
        self.assertAlmostEqual(values[6], 5.0, places=12)
        self.assertAlmostEqual(values[7], 0.1, places=12)
        self.assertTrue(all(math.isnan(v) for v in stats.weight_vector(before).tolist()[6:]))


class TorchKernels:
    """Runs a test class with the torch kernels (stats.cpu = None), as on a GPU."""

    def setUp(self):
        patch = mock.patch.object(stats, "cpu", None)
        patch.start()
        self.addCleanup(patch.stop)


class DistributionTorchTest(TorchKernels, DistributionTest):
    pass


class LayerFactsTorchTest(TorchKernels, LayerFactsTest):
    pass


class BothPathsTest(unittest.TestCase):
    def test_numpy_and_torch_give_the_same_numbers(self):
        torch.manual_seed(9)
        x = torch.randn(257, 31) * 2
        x[3, 4] = float("nan")
        for values in (torch.randn(128, 256), x):
            numpy_path = stats.distribution_vector(values, RANGE, BINS)
            with mock.patch.object(stats, "cpu", None):
                torch_path = stats.distribution_vector(values, RANGE, BINS)
            self.assertTrue(torch.allclose(numpy_path, torch_path, rtol=1e-12, atol=0, equal_nan=True))


if __name__ == "__main__":
    unittest.main()
