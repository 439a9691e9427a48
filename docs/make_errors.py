"""Write docs/errors.md: every diagnostic code with its meaning, exit code, an example and
the real output of cnncalc on that example.

    python docs/make_errors.py           # rewrite docs/errors.md
    python docs/make_errors.py --check   # exit 1 if docs/errors.md is stale

tests/test_error_catalogue.py runs every example and checks it produces its code.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnncalc.errors import CATALOGUE  # noqa: E402

H = "name: example\ninput: [3, 32, 32]\nlayers:\n"

# code -> (example kind, example text, what fixes it)
#   kind "spec": a spec file checked with `cnncalc validate spec.yaml`
#   kind "command": a command line (run in a folder holding spec.yaml = the tiny spec)
#   kind "bytes": a file of raw bytes (Python literal) checked with `cnncalc validate spec.yaml`
#   kind "draw": a spec drawn with `cnncalc draw spec.yaml --view graph`
#   kind "onnx": model.onnx = input 3×8×8 -> Conv -> a node of this op_type (built with onnx.helper), or,
#                when the text is a bytes literal, those bytes; run with `cnncalc summarize model.onnx`
#   kind "safetensors": w.safetensors = zero float32 tensors {name: shape} (written as plain bytes) checked
#                against spec.yaml = the tiny spec with `cnncalc validate spec.yaml --weights w.safetensors`
EXAMPLES = {
    "E007": ("onnx", "LpNormalization", "export the model without that node, or with layers `cnncalc ops` lists"),
    "E008": ("onnx", "b'PK\\x03\\x04 this is a zip archive, not an ONNX protobuf'",
             "give an ONNX file written by torch.onnx.export or onnx.save"),
    "E001": ("command", "cnncalc validate no-such-file.yaml", "check the path, or `cnncalc list` for bundled names"),
    "E002": ("bytes", "b'name: x\\x00\\x01\\x02'", "save the spec as UTF-8 text"),
    "E003": ("spec", H + "  - {type: conv2d, out_channels: 8\n  - {type: relu}\n",
             "fix the YAML syntax at the position shown (an unclosed brace here)"),
    "E004": ("command", "cnncalc summarize spec.yaml --input 3x224x224.5", "give the shape as CxHxW, e.g. 3x224x224"),
    "E005": ("spec", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
             "do not expand aliases millions of times (this is a 'billion laughs' document)"),
    "E006": ("command", "cnncalc verify spec.yaml --weights spec.yaml",
             "give an .npz saved with numpy.savez, keyed <layer>.<array> like a PyTorch state_dict"),
    "E101": ("spec", H + "  - {type: maxpol2d, kernel_size: 2}\n", "use an op from `cnncalc ops`"),
    "E102": ("spec", H + "  - {type: conv2d, out_channels: 8, kernel_size: 3, strid: 2}\n",
             "spell the argument as the op defines it (PyTorch or Keras names)"),
    "E103": ("spec", H + "  - {type: conv2d, kernel_size: 3}\n", "add the missing argument"),
    "E104": ("spec", H + "  - {type: conv2d, out_channels: 8, kernel_size: -3}\n",
             "give a value of the expected type and range"),
    "E105": ("spec", H + "  - {type: conv2d, name: c, out_channels: 8, kernel_size: 3}\n  - {type: relu, name: c}\n",
             "rename one of the layers"),
    "E106": ("spec", H + "  - {type: conv2d, name: c1, out_channels: 8, kernel_size: 3}\n"
                         "  - {type: add, inputs: [c1, c3]}\n", "name an earlier layer, or `input`"),
    "E107": ("spec", H + "  - {type: relu, name: a, inputs: [b]}\n  - {type: relu, name: b, inputs: [a]}\n",
             "take inputs only from earlier layers"),
    "E108": ("spec", "name: example\ninput: [3, 32, 32]\nblocks:\n  unit: {layers: [relu]}\nlayers:\n"
                     "  - {block: unti}\n", "use a block defined under `blocks:`"),
    "E109": ("spec", "name: example\ninput: [3, 32, 32]\nblocks:\n  a: {layers: [{block: b}]}\n"
                     "  b: {layers: [{block: a}]}\nlayers:\n  - {block: a}\n",
             "a block cannot contain itself; use repeat: to stack copies"),
    "E110": ("spec", H + "  - {type: conv2d, out_channels: $width * 2, kernel_size: 3}\n",
             "use only block arguments, i, and in_channels/in_height/in_width/in_features"),
    "E111": ("spec", "name: example\nlayers: [relu]\n", "a spec needs `input:` and `layers:`"),
    "E112": ("spec", H + "  - {type: add}\n", "name the merged layers with inputs: [a, b]"),
    "E113": ("spec", "name: example\ninput: [3, 32, 32]\nblocks:\n  unit:\n    args: {residual: true}\n"
                     "    layers:\n      - {type: conv2d, name: conv, out_channels: 3, kernel_size: 3, padding: 1}\n"
                     "      - {type: add, inputs: [input, conv], when: $residual}\n"
                     "layers:\n  - {block: unit, residual: false}\n",
             "say which layer stands in for the dropped one: `else: conv`"),
    "E201": ("spec", H + "  - {type: conv2d, out_channels: 8, kernel_size: 35}\n",
             "use a smaller kernel or more padding"),
    "E202": ("spec", H + "  - {type: conv_transpose2d, out_channels: 4, kernel_size: 2, padding: 40}\n",
             "reduce the padding"),
    "E203": ("spec", H + "  - {type: conv2d, name: a, out_channels: 8, kernel_size: 1}\n"
                         "  - {type: add, inputs: [a, input]}\n", "project one path with a 1×1 conv"),
    "E204": ("spec", H + "  - {type: maxpool2d, name: p, kernel_size: 2}\n  - {type: concat, inputs: [p, input]}\n",
             "pool or stride the other path to the same size"),
    "E205": ("spec", H + "  - {type: linear, out_features: 10}\n", "add a flatten (or a global pool) first"),
    "E206": ("spec", H + "  - {type: flatten}\n  - {type: conv2d, out_channels: 8, kernel_size: 3}\n",
             "convolutions and pools need inputs with spatial dimensions (C×L, C×H×W or C×D×H×W)"),
    "E208": ("safetensors", "{'conv2d_1.weight': (16, 3, 3, 3), 'conv2d_1.bias': (16,), 'fc.weight': (10, 8)}",
             "make the design match the checkpoint (here out_channels: 16 and no fc layer), or use the checkpoint "
             "the design was trained as"),
    "E207": ("spec", H + "  - {type: conv2d, out_channels: 8, kernel_size: 3, groups: 2}\n",
             "choose groups dividing both in and out channels"),
    "E301": ("spec", H + "  - {type: relu, repeat: 1000000000}\n", "use fewer layers, or --max-layers"),
    "E302": ("spec", "name: example\ninput: [3, 32, 32]\nblocks:\n"
                     + "".join(f"  b{i}: {{layers: [{{block: b{i + 1}}}]}}\n" for i in range(40))
                     + "  b40: {layers: [relu]}\nlayers:\n  - {block: b0}\n", "nest blocks less deeply"),
    "E303": ("spec", H + "  - {type: conv2d, out_channels: 8, kernel_size: 1000000000000000000000000000000}\n",
             "sizes must be reasonable integers (at most 2^40)"),
    "E304": ("command", "cnncalc verify spec.yaml --batch 512 --max-memory 64MiB",
             "use a smaller --batch or input, or raise --max-memory"),
    "E305": ("draw", "name: example\ninput: [4, 8, 8]\nblocks:\n  unit:\n    args: {skip: null}\n    layers:\n"
                     "      - {type: conv2d, name: conv, out_channels: 4, kernel_size: 3, padding: 1}\n"
                     "      - {type: add, inputs: [conv, $skip]}\n"
                     "layers:\n  - {type: conv2d, name: stem, out_channels: 4, kernel_size: 1}\n"
                     "  - {block: unit, skip: stem, repeat: 250}\n",
             "draw blocks as nodes (--depth 1) or as volumes (--view volume)"),
    "E009": ("absent", "onnx", "install the extra the message names: pip install 'cnncalc[onnx]'"),
    "W101": ("spec", "name: example\ninput: [1, 10, 10]\nlayers:\n"
                     "  - {type: conv2d, out_channels: 8, kernel_size: 3, stride: 2}\n",
             "pick an input size, padding or stride for which (I − F + 2P) is a multiple of S"),
    "W102": ("spec", H + "  - {type: maxpool2d, kernel_size: 2, stride: 4}\n",
             "use stride ≤ kernel, or `allow: [W102]` on the layer if it is intended"),
    "W103": ("spec", H + "  - {type: conv2d, name: a, out_channels: 3, kernel_size: 3}\n"
                         "  - {type: zeropad2d, name: p, padding: [2, 0, 2, 0]}\n"
                         "  - {type: add, inputs: [p, input]}\n", "pad symmetrically so the paths stay centred"),
    "W104": ("spec", H + "  - {type: conv2d, name: branch, out_channels: 8, kernel_size: 3}\n"
                         "  - {type: conv2d, name: main, out_channels: 8, kernel_size: 1, inputs: [input]}\n",
             "feed the layer into a later one, remove it, or acknowledge it with `allow: [W104]`"),
    "N101": ("spec", "name: example\ninput: [3, 224, 224]\nlayers:\n"
                     "  - {type: conv2d, out_channels: 64, kernel_size: 7, stride: 2, padding: 3}\n",
             "nothing to fix: only padding is dropped (torchvision's ResNet conv1 does this)"),
}

TINY = H + "  - {type: conv2d, out_channels: 8, kernel_size: 3}\n"


def write_onnx(path: Path, text: str) -> None:
    """The bytes of a bytes literal, or a two-node ONNX model whose second node is of op_type `text`."""
    if text.startswith("b'"):
        path.write_bytes(eval(text))
        return
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), dtype=np.float32), "conv.weight")
    nodes = [helper.make_node("Conv", ["x", "conv.weight"], ["c"], name="/conv/Conv", kernel_shape=[3, 3]),
             helper.make_node(text, ["c"], ["y"], name=f"/norm/{text}")]
    graph = helper.make_graph(nodes, "example", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def write_safetensors(path: Path, shapes: dict) -> None:
    """Zero float32 tensors in the .safetensors layout (8-byte header length, JSON header, data), no package."""
    import json
    import math

    header, offset = {}, 0
    for name, shape in shapes.items():
        n = 4 * math.prod(shape)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + bytes(offset))


def prepare(code: str, folder: Path) -> list:
    """Write the example's spec.yaml into `folder`; the cnncalc arguments that show the code."""
    kind, text, _ = EXAMPLES[code]
    spec = folder / "spec.yaml"
    if kind == "onnx":
        write_onnx(folder / "model.onnx", text)
        return ["summarize", "model.onnx"]
    if kind == "absent":  # run with the package `text` made unimportable (hidden(), below)
        (folder / "model.onnx").write_bytes(b"")
        return ["summarize", "model.onnx"]
    if kind == "safetensors":
        write_safetensors(folder / "w.safetensors", eval(text))  # a {name: shape} literal from the table above
        spec.write_text(TINY, encoding="utf-8")
        return ["validate", "spec.yaml", "--weights", "w.safetensors"]
    if kind == "bytes":
        spec.write_bytes(eval(text))  # a bytes literal from the table above
        return ["validate", "spec.yaml"]
    if kind in ("spec", "draw"):
        spec.write_text(text, encoding="utf-8")
        return ["validate", "spec.yaml"] if kind == "spec" else ["draw", "spec.yaml", "--view", "graph"]
    spec.write_text(TINY, encoding="utf-8")
    return shlex.split(text)[1:]


def run_example(code: str, folder: Path) -> tuple:
    """(exit code, output text) of cnncalc on the example of `code`."""
    argv = prepare(code, folder)
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    kind, text, _ = EXAMPLES[code]
    start = ["-c", f"import sys; sys.modules[{text!r}] = None; from cnncalc.cli import main; main()"] \
        if kind == "absent" else ["-m", "cnncalc"]  # sys.modules[name] = None: `import name` fails as if not installed
    p = subprocess.run([sys.executable, *start, *argv], cwd=folder, capture_output=True, text=True, env=env)
    out = "\n".join(line.rstrip() for line in (p.stderr + p.stdout).strip().splitlines())
    return p.returncode, out


def render() -> str:
    parts = [
        "# Error catalogue\n",
        "Every message cnncalc prints has a stable code. Errors (`E…`) make the command fail;",
        "warnings (`W…`) and notes (`N…`) are printed and the command succeeds. Each message reads",
        "`FILE:LINE:COL: severity[CODE]: message`, followed by a hint.\n",
        "Exit codes: **0** success (warnings and notes allowed), **1** invalid design or wrong answers,",
        "**2** unusable input (missing, unreadable or non-YAML file, bad command-line argument),",
        "**3** internal error (a bug: please report it).\n",
        "A warning the author has checked can be acknowledged on its layer with `allow: [W102]`.\n",
        "This file is generated by `python docs/make_errors.py`; every example below is run by",
        "`tests/test_error_catalogue.py`.\n",
        "| code | name | exit | meaning |", "| --- | --- | --- | --- |",
    ]
    for c in CATALOGUE.values():
        parts.append(f"| [{c.code}](#{c.code.lower()}-{c.slug}) | {c.slug} | {c.exit_code} | {c.summary} |")
    parts.append("")
    with tempfile.TemporaryDirectory() as tmp:
        for c in CATALOGUE.values():
            if c.code not in EXAMPLES:  # tests/test_error_catalogue.py fails on it until it has one
                continue
            kind, text, fix = EXAMPLES[c.code]
            rc, out = run_example(c.code, Path(tmp))
            parts.append(f"## {c.code} {c.slug}\n")
            parts.append(f"{c.summary[0].upper()}{c.summary[1:]}. Exit code {c.exit_code}. Fix: {fix}.\n")
            if kind == "spec":
                parts.append("```yaml\n# spec.yaml\n" + textwrap.dedent(text).rstrip() + "\n```\n")
                parts.append("```console\n$ cnncalc validate spec.yaml\n" + out + f"\n[exit code {rc}]\n```\n")
            elif kind == "draw":
                parts.append("```yaml\n# spec.yaml\n" + textwrap.dedent(text).rstrip() + "\n```\n")
                parts.append("```console\n$ cnncalc draw spec.yaml --view graph\n" + out + f"\n[exit code {rc}]\n```\n")
            elif kind == "onnx":
                what = (f"model.onnx holds the bytes `{text}`." if text.startswith("b'") else
                        f"model.onnx is input 3×8×8 → Conv → {text} (built with onnx.helper).")
                parts.append(what + "\n")
                parts.append("```console\n$ cnncalc summarize model.onnx\n" + out + f"\n[exit code {rc}]\n```\n")
            elif kind == "safetensors":
                parts.append("```yaml\n# spec.yaml\n" + TINY.rstrip() + "\n```\n")
                parts.append(f"w.safetensors holds zero float32 tensors of these shapes: `{text}`.\n")
                parts.append("```console\n$ cnncalc validate spec.yaml --weights w.safetensors\n" + out +
                             f"\n[exit code {rc}]\n```\n")
            elif kind == "absent":
                parts.append(f"In an environment without the `{text}` package:\n")
                parts.append("```console\n$ cnncalc summarize model.onnx\n" + out + f"\n[exit code {rc}]\n```\n")
            elif kind == "bytes":
                parts.append(f"spec.yaml holds the bytes `{text}`.\n")
                parts.append("```console\n$ cnncalc validate spec.yaml\n" + out + f"\n[exit code {rc}]\n```\n")
            else:
                parts.append("```console\n$ " + text + "\n" + out + f"\n[exit code {rc}]\n```\n")
    return "\n".join(parts)


def main() -> int:
    path = ROOT / "docs" / "errors.md"
    text = render()
    if "--check" in sys.argv:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print("docs/errors.md is stale: run python docs/make_errors.py")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
