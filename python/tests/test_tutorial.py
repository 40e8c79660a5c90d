"""docs/tutorial.py runs as written (and its models learn what it shows)."""
import os
import subprocess
import sys

from conftest import REPO


def test_the_tutorial_runs(tmp_path):
    r = subprocess.run([sys.executable, os.path.join(REPO, "docs", "tutorial.py"), str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "NDCG@10" in r.stdout and "filtered MRR" in r.stdout
    assert os.path.exists(tmp_path / "words.model")
