"""The README's PyTorch example (the python block after the `pytorch-example` marker) runs as printed and produces
what the README says: a finished run with statistics for each of the 9 Linear layers every 10 steps, 3 epochs."""

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
        epochs = [m for m in read_jsonl(directory / "metrics.jsonl") if m["kind"] == "epoch"]
        self.assertEqual([e["epoch"] for e in epochs], [0, 1, 2])
