"""The one error type of cnncalc, its diagnostics and the catalogue of codes.

Every problem a user can cause is a `Diagnostic` with a stable code from `CATALOGUE`,
a position in the file that caused it and a hint saying what would fix it. Code that
finds several problems collects them and raises one `CnnError`; only the CLI turns
that into text and an exit code, so library users get structured data.

Exit codes (documented in README and docs/errors.md):
    0  success (warnings and notes allowed)
    1  the design is invalid, or graded answers are wrong
    2  unusable input: missing/unreadable/non-YAML file, bad command-line argument
    3  internal error (a bug in cnncalc; the message asks for a report)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .i18n import N_, T, tr

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)
EXIT_BROKEN_PIPE = 141  # the reader of stdout left (128 + SIGPIPE): `cnncalc ... | head -1`


class Pos(NamedTuple):
    """A 1-based line and column in a named file (or '<input>' / '<command line>')."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Option(NamedTuple):
    """The place of a problem that comes from a command-line option (or argument): its name."""

    name: str

    def __str__(self) -> str:
        return self.name


class Code(NamedTuple):
    code: str
    slug: str
    exit_code: int
    summary: str


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


# The stable error catalogue. docs/errors.md documents every entry with an example,
# and tests/test_error_catalogue.py checks the two agree.
CATALOGUE: dict[str, Code] = _catalogue(
    # unusable input (exit 2)
    Code("E001", "file-not-found", EXIT_UNUSABLE, "the spec or answer file does not exist and is not a bundled model"),
    Code("E002", "unreadable-file", EXIT_UNUSABLE, "the file cannot be read as UTF-8 text"),
    Code("E003", "yaml-syntax", EXIT_UNUSABLE, "the file is not valid YAML"),
    Code("E004", "bad-cli-argument", EXIT_UNUSABLE, "a command-line option has a value cnncalc cannot use"),
    Code("E005", "yaml-limit", EXIT_UNUSABLE, "the YAML document is too large, too deep or expands too many aliases"),
    Code("E006", "bad-array-file", EXIT_UNUSABLE, "a --weights file (.npz, .safetensors, .pth) or an --input .npy "
                                                  "file cannot be used"),
    Code("E007", "unsupported-import", EXIT_UNUSABLE, "an imported model (ONNX, PyTorch, Keras) has a node or layer "
                                                      "cnncalc cannot represent"),
    Code("E008", "bad-model-file", EXIT_UNUSABLE, "an .onnx, .keras or Keras .json file cannot be read as a model"),
    Code("E009", "missing-extra", EXIT_UNUSABLE, "the command needs an optional package that is not installed "
                                                 "(onnx, torch, safetensors)"),
    # spec structure (exit 1)
    Code("E101", "unknown-op", EXIT_INVALID, "a layer's type is not an op cnncalc knows"),
    Code("E102", "unknown-key", EXIT_INVALID, "a key is not an argument of that op, block or section"),
    Code("E103", "missing-argument", EXIT_INVALID, "a required argument is missing"),
    Code("E104", "bad-value", EXIT_INVALID, "an argument has the wrong type or an impossible value"),
    Code("E105", "duplicate-name", EXIT_INVALID, "two layers have the same name"),
    Code("E106", "unknown-input", EXIT_INVALID, "`inputs:` names a layer that does not exist"),
    Code("E107", "later-input", EXIT_INVALID, "`inputs:` names a layer defined later (or forms a cycle)"),
    Code("E108", "unknown-block", EXIT_INVALID, "a layer uses a block that is not defined"),
    Code("E109", "block-recursion", EXIT_INVALID, "a block uses itself, directly or through other blocks"),
    Code("E110", "bad-expression", EXIT_INVALID, "a `$expression` cannot be evaluated"),
    Code("E111", "bad-structure", EXIT_INVALID, "the document does not have the shape of a spec"),
    Code("E112", "wrong-arity", EXIT_INVALID, "an op got the wrong number of inputs"),
    Code("E113", "ambiguous-drop", EXIT_INVALID, "a layer with several inputs is dropped by `when:` without `else:`"),
    # shapes (exit 1)
    Code("E201", "kernel-too-large", EXIT_INVALID, "the kernel is larger than the padded input"),
    Code("E202", "nonpositive-size", EXIT_INVALID, "an output size would be zero or negative"),
    Code("E203", "channel-mismatch", EXIT_INVALID, "merged tensors or a declared in_channels disagree on channels"),
    Code("E204", "spatial-mismatch", EXIT_INVALID, "merged tensors disagree on height or width"),
    Code("E205", "needs-flatten", EXIT_INVALID, "a linear layer receives a C×H×W tensor"),
    Code("E206", "wrong-rank", EXIT_INVALID, "an op receives a tensor of the wrong rank"),
    Code("E207", "bad-groups", EXIT_INVALID, "channels are not divisible by groups"),
    Code("E208", "checkpoint-mismatch", EXIT_INVALID, "a checkpoint lacks a tensor the design defines, has one it "
                                                      "does not, or has one of another shape"),
    # limits (exit 1)
    Code("E301", "too-many-layers", EXIT_INVALID, "the expanded network exceeds the layer limit"),
    Code("E302", "too-deep", EXIT_INVALID, "blocks are nested deeper than the limit"),
    Code("E303", "number-too-large", EXIT_INVALID, "a size or count is beyond the supported range"),
    Code("E304", "memory-limit", EXIT_INVALID, "running the network would need more memory than --max-memory allows"),
    Code("E305", "drawing-too-large", EXIT_INVALID, "the graph view would need more points than it draws (edges that "
                                                    "skip many layers)"),
    # warnings and notes (exit 0)
    Code("W101", "floored-division", EXIT_OK, "a window does not fit evenly: input rows/columns are never covered"),
    Code("W102", "stride-exceeds-kernel", EXIT_OK, "the stride is larger than the kernel: input pixels are skipped"),
    Code("W103", "unaligned-receptive-field", EXIT_OK, "paths into a merge have receptive fields that are not aligned"),
    Code("W104", "unused-layer", EXIT_OK, "a layer's output is not on any path to the model output"),
    Code("N101", "floored-padding", EXIT_OK, "a window does not fit evenly, but only padding is left uncovered"),
)


# the words a diagnostic is introduced by, in the chosen language (JSON keeps "severity" English)
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "note": N_("note")}
HINT_WORD = N_("hint")


class Diagnostic(NamedTuple):
    code: str
    message: str
    pos: Pos | Option | None = None
    hint: str | None = None
    context: str | None = None  # e.g. "in layer1.0 (block 'bottleneck' used at f.yaml:40:5)"

    @property
    def severity(self) -> str:
        return {"E": "error", "W": "warning", "N": "note"}[self.code[0]]

    @property
    def slug(self) -> str:
        return CATALOGUE[self.code].slug

    def format(self) -> str:
        """The diagnostic as a user reads it, in the chosen language (cnncalc/i18n.py); the code stays."""
        where = f"{self.pos}: " if self.pos else ""
        text = f"{where}{tr(SEVERITY_WORDS[self.severity])}[{self.code}]: {tr(self.message)}"
        if self.context:
            text += f" ({tr(self.context)})"
        if self.hint:
            text += f"\n    {tr(HINT_WORD)}: {tr(self.hint)}"
        return text

    def as_dict(self) -> dict:
        """Keys, code, slug and severity in English (programs read them); the texts in the chosen language."""
        d = {"code": self.code, "slug": self.slug, "severity": self.severity, "message": tr(self.message)}
        if isinstance(self.pos, Option):
            d["option"] = self.pos.name
        elif self.pos:
            d.update(file=self.pos.file, line=self.pos.line, column=self.pos.col)
        if self.hint:
            d["hint"] = tr(self.hint)
        if self.context:
            d["context"] = tr(self.context)
        return d


@dataclass
class CnnError(Exception):
    """The single error type: one or more diagnostics, at least one of them an error."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        codes = [CATALOGUE[d.code].exit_code for d in self.diagnostics if d.severity == "error"]
        return max(codes, default=EXIT_INVALID)


def sort_key(d: Diagnostic) -> tuple:
    """File order for diagnostics; option problems first."""
    return (d.pos.file, d.pos.line, d.pos.col) if isinstance(d.pos, Pos) else ("", 0, 0)


def fail(code: str, message: str, pos: Pos | Option | None = None, hint: str | None = None) -> CnnError:
    """Build a CnnError holding one diagnostic (callers `raise fail(...)`)."""
    assert code in CATALOGUE, code
    return CnnError([Diagnostic(code, message, pos, hint)])


def did_you_mean(word: str, choices) -> str | None:
    """A 'did you mean' hint, or None when nothing is close."""
    import difflib

    word = str(word)
    cutoff = 0.6 if len(word) > 3 else 0.5  # 'c2' vs 'c1' is a 0.5 match
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=cutoff)
    return T("did you mean '{word}'?", word=close[0]) if close else None
