"""The README's PyTorch example (the python block after the `pytorch-example` marker) runs as printed and produces
what the README says: a finished run with statistics for each of the 9 Linear layers every 10 steps, 3 epochs."""

import math
import re

from .support import PYTHON_DIR, RunsDirTestCase, read_json, read_jsonl, run_script


def readme_example() -> str:
    text = (PYTHON_DIR.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- pytorch-example:[^>]*-->\n```python\n(.*?)\n```", text, re.S)
    if match is None:
        raise AssertionError("README.md has no ```python block after the pytorch-example marker")
    return match.group(1)


class ReadmeExampleTest(RunsDirTestCase):
    def test_the_example_runs_and_records_every_linear_layer(self):
        code = readme_example()
        self.assertLessEqual(len(code.splitlines()), 18, "the README promises a short example")
        process = run_script(code, self.runs_dir)
        _out, err = process.communicate(timeout=300)
        self.assertEqual(process.returncode, 0, err)
        directory = self.only_run()
        self.assertRegex(directory.name, r"-selu-mlp-[0-9a-f]{4}$")
        meta = read_json(directory / "meta.json")
        self.assertEqual(meta["status"], "finished")
        self.assertEqual(meta["warnings"], [], "LeCun init: no pitfall")
        records = read_jsonl(directory / "layers.jsonl")
        self.assertEqual([r["step"] for r in records], [0, 10, 20])
        self.assertTrue(all(len(r["layers"]) == 9 for r in records))
        # "the same statistics SNN Lab's trainer does": moments, percentiles and histograms before and after the
        # activation, SELU saturation, weight omega/tau, gradient norm and update ratio, for every layer.
        for record in records:
            for layer in record["layers"]:
                for part in ("pre", "post"):
                    self.assertEqual(len(layer[part]["percentiles"]), 9)
                    self.assertEqual(sum(layer[part]["histogram"]["counts"]) + layer[part]["histogram"]["under"]
                                     + layer[part]["histogram"]["over"], 128 * layer["units"])
                    self.assertTrue(math.isfinite(layer[part]["mean"]) and layer[part]["variance"] > 0)
                self.assertTrue(0 <= layer["saturated"] < 1)
                self.assertTrue(all(math.isfinite(layer["weights"][k]) for k in ("omegaMean", "tauMean")))
                self.assertGreater(layer["gradNorm"], 0)
                self.assertGreater(layer["updateRatio"], 0)
        metrics = read_jsonl(directory / "metrics.jsonl")
        epochs = [m for m in metrics if m["kind"] == "epoch"]
        self.assertEqual([e["epoch"] for e in epochs], [0, 1, 2])
        # The loss is logged with the whole epoch the loop is in (8 steps per epoch): the Curves tab places it there.
        progress = [m for m in metrics if m["kind"] == "progress"]
        self.assertGreaterEqual(len(progress), 3)
        self.assertEqual([m["epoch"] for m in progress], [m["step"] // 8 for m in progress])
