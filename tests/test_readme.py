"""README.md shows real output: every `<!-- run: ... -->` block equals what the command prints now."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_outputs_are_current():
    p = subprocess.run([sys.executable, str(ROOT / "docs" / "update_readme.py"), "--check"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_readme_set_up_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "install -e '.[test]'" in readme and "install -e '.[test]'" in ci
    assert re.search(r"\.venv/bin/python -m pytest", readme)
    assert "-m pytest" in ci
