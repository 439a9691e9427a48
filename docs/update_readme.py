"""Re-run every command shown in README.md and paste its real output.

A block is written as
    <!-- run: cnncalc summarize alexnet -->
    ```text
    ...output...
    ```
and this script replaces the fenced block after each marker with what the command
prints now (stdout and stderr, trailing spaces stripped, exit code noted when not 0).
tests/test_readme.py checks that README.md is current.

    python docs/update_readme.py          # rewrite README.md
    python docs/update_readme.py --check  # exit 1 if any block is stale
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(r"(<!-- run: (.+?)( \(timings vary\))? -->\n```text\n)(.*?)(```)", re.S)
DECIMAL = re.compile(r"\d+\.\d+")


def run(command: str) -> str:
    argv = shlex.split(command)
    if argv[0] == "cnncalc":
        argv = [sys.executable, "-m", "cnncalc", *argv[1:]]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "LANGUAGE": "en"}  # English unless a command says --lang
    p = subprocess.run(argv, cwd=ROOT / "examples" if (ROOT / "examples").is_dir() else ROOT,
                       capture_output=True, text=True, env=env)
    text = (p.stderr + p.stdout) if p.stderr else p.stdout
    lines = [ln.rstrip() for ln in text.rstrip("\n").splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    out = "\n".join(lines) + "\n"
    if p.returncode:
        out += f"[exit code {p.returncode}]\n"
    return out


def render(readme: str) -> str:
    return MARK.sub(lambda m: m.group(1) + run(m.group(2)) + m.group(5), readme)


def comparable(readme: str) -> str:
    """Blocks marked '(timings vary)' are compared with their decimals masked."""
    def mask(text: str) -> str:
        return re.sub(r"[ ─]+", " ", DECIMAL.sub("#", text))

    return MARK.sub(lambda m: m.group(1) + (mask(m.group(4)) if m.group(3) else m.group(4)) + m.group(5), readme)


def main() -> int:
    path = ROOT / "README.md"
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        if comparable(new) != comparable(old):
            print("README.md is stale: run python docs/update_readme.py")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
