"""`cnncalc exercise`: a seeded exercise set with its answer key (cnncalc/exercise.py, render/exercise.py)."""

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import Option, fail
from ..i18n import T, _
from .app import Layout, app

FILES = ("exercise.md", "sheet.yaml", "key.yaml")


class Difficulty(str, Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


@app.command(help=_("Make an exercise set for the course: a network to work out by hand (output shapes, "
                     "parameters, MACs, receptive fields), a blank answer sheet and its key."))
def exercise(
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="DIR", help=_("Write DIR/exercise.md (the statement), DIR/sheet.yaml (the blank "
                                                "answer sheet) and DIR/key.yaml (the answers, which `cnncalc check` "
                                                "grades 100%); without it the statement is printed."))] = None,
    seed: Annotated[Optional[int], typer.Option(
        "--seed", min=0, help=_("The same seed gives the same files, byte for byte; default: a random one (the "
                                "statement says which)."))] = None,
    difficulty: Annotated[Difficulty, typer.Option(
        "--difficulty", help=_("easy: one or two convolutions, exact sizes; medium: padding, stride, pooling, 3-5 "
                               "layers; hard: dilation, 'same' padding, floored divisions, a network of 6-10 "
                               "layers."))] = Difficulty.medium,
    topic: Annotated[Optional[List[str]], typer.Option(
        "--topic", metavar="TOPICS", help=_("What is asked: sizes, params, macs, rf (receptive fields) or all; a "
                                            "comma list or repeated. Default: all."))] = None,
    layout: Annotated[Layout, typer.Option("--layout", help=_("How shapes are written: hwc (H×W×C, as the slides) "
                                                              "or chw (C×H×W)."))] = Layout.hwc,
    questions: Annotated[Optional[int], typer.Option(
        "--questions", min=1, help=_("Ask only this many of the questions (chosen by the seed)."))] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Replace the files of an earlier set in DIR."))] = False,
) -> None:
    """The statement, the blank sheet and the key of one seed (help above, translated)."""
    from ..exercise import generate, parse_topics
    from ..render import exercise as render
    from .outfile import write_output

    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
    ex = generate(seed, difficulty.value, parse_topics(topic), layout.value, questions)
    if output is None:
        write_output(render.statement(ex), None)
        return
    texts = dict(zip(FILES, (render.statement(ex), render.sheet(ex), render.sheet(ex, filled=True))))
    targets = _targets(output, force)
    for name, path in targets.items():
        write_output(texts[name], path)


def _targets(folder: Path, force: bool) -> dict:
    """name -> path of the three files; the folder is created, and nothing is written when one of
    them exists and --force is not given (a set is never half replaced)."""
    if folder.exists() and not folder.is_dir():
        raise fail("E004", T("{folder} is not a directory; --output names the folder of the three files",
                             folder=str(folder)), Option("--output"), T("give a folder, e.g. -o exercise1"))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise fail("E004", T("cannot create the folder {folder}: {why}", folder=str(folder),
                             why=exc.strerror or str(exc)), Option("--output")) from None
    targets = {name: folder / name for name in FILES}
    existing = [str(path) for path in targets.values() if os.path.lexists(path)]
    if existing and not force:
        raise fail("E004", T("{files} already exist; cnncalc does not overwrite an exercise set",
                             files=", ".join(existing)), Option("--output"),
                   T("add --force to replace them, or choose another folder"))
    return targets
