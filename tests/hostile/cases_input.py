"""Hostile specs, expressions, options and environments (issue 11, classes 1-4, 9-11).

Each case is what an autograder or a CI job could be handed: a file that never ends, a few
lines that expand forever, an expression that computes for minutes, a terminal that cannot
print Unicode. Every one must end with its documented exit code and message, without a
traceback, within 5 s of CPU and 300 MB (test_hostile.py checks the bounds).
"""

from __future__ import annotations

import os

from .harness import Case

HEAD = "name: h\ninput: [3, 16, 16]\nlayers:\n"
CONV = "- {type: conv2d, out_channels: 4, kernel_size: 3}\n"
TINY = HEAD + CONV  # 112 params, output 4x14x14


def spec(*layers: str, head: str = HEAD) -> str:
    return head + "".join(layers)


def conv_with(value: str) -> str:
    """One conv whose kernel_size is `value`, quoted for YAML."""
    return spec(f"- {{type: conv2d, out_channels: 4, kernel_size: '{value}'}}\n")


def sparse(size: int):
    def make(path):
        with open(path, "wb") as f:
            f.truncate(size)
    return make


def fifo(path):
    os.mkfifo(path)


def symlink_to(target: str):
    def make(path):
        os.symlink(target, path)
    return make


def lines(n: int, line: str, head: str = HEAD) -> str:
    return head + line * n


def nested_blocks(depth: int, repeat: int, leaf: str) -> str:
    out = ["name: deep", "input: [3, 8, 8]", "blocks:"]
    for i in range(depth - 1):
        out += [f"  b{i}:", "    layers:", f"    - {{block: b{i + 1}, repeat: {repeat}}}"]
    out += [f"  b{depth - 1}:", "    layers:", f"    - {leaf}"]
    out += ["layers:", f"- {{block: b0, repeat: {repeat}}}"]
    return "\n".join(out) + "\n"


def laughs(levels: int) -> str:
    out = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    out += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(out) + "\n" + TINY


V = ("validate", "s.yaml")
CASES: list[Case] = []


def add(*cases: Case) -> None:
    CASES.extend(cases)


# -- 1. unbounded reads ----------------------------------------------------------------------------
add(
    Case("read-dev-zero", 1, ("validate", "/dev/zero"), err=("E002", "a character device")),
    Case("read-dev-urandom", 1, ("summarize", "/dev/urandom"), err=("E002",)),
    Case("read-dev-stdin-tty-like", 1, ("validate", "/dev/null"), err=("E002", "character device")),
    Case("read-fifo-without-writer", 1, V, files={"s.yaml": fifo}, err=("E002", "FIFO")),
    Case("read-directory", 1, ("validate", "."), err=("E002", "a directory")),
    Case("read-symlink-to-dev-zero", 1, V, files={"s.yaml": symlink_to("/dev/zero")}, err=("E002",)),
    Case("read-sparse-9MiB", 1, V, files={"s.yaml": sparse(9 * 2**20)}, err=("E005", "larger than 8 MiB")),
    Case("read-sparse-4GiB", 1, V, files={"s.yaml": sparse(4 * 2**30)}, err=("E005",)),
    Case("read-20MiB-small-scalars", 1, V, files={"s.yaml": "v: [" + "1, " * (7 * 2**20 // 3) + "1]\n"},
         err=("E005", "250,000 values"), not_out=("aliases",)),
    Case("read-many-keys", 1, V, files={"s.yaml": "".join(f"k{i}: {i}\n" for i in range(300_000))},
         err=("E005",)),
    Case("read-100k-convs", 1, V, files={"s.yaml": lines(100_000, CONV)}, err=("E005",)),
    Case("read-20k-convs-written-out", 1, V, files={"s.yaml": lines(20_000, CONV.replace("3}", "1}"))},
         codes=(1,), err=("E301",)),
    Case("read-9k-convs-written-out", 1, V, files={"s.yaml": lines(9_000, "- {type: relu}\n")}, codes=(0,)),
    Case("read-billion-laughs", 1, V, files={"s.yaml": laughs(9)}, err=("E005", "aliases")),
    Case("read-deep-nesting", 1, V, files={"s.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"},
         err=("E005", "nested")),
    Case("read-deep-mapping", 1, V, files={"s.yaml": "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n"},
         err=("E005",)),
    Case("read-recursive-alias", 1, V, files={"s.yaml": "a: &x [1, *x]\n" + TINY}, err=("E005", "recursive")),
    Case("read-binary", 1, V, files={"s.yaml": b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 10}, err=("E002",)),
    Case("read-nul-bytes", 1, V, files={"s.yaml": TINY.encode() + b"\x00\x00"}, err=("E002", "NUL")),
    Case("read-latin1", 1, V, files={"s.yaml": "name: caf\xe9\n".encode("latin-1") + TINY.encode()},
         err=("E002", "not UTF-8")),
    Case("read-utf16", 1, V, files={"s.yaml": TINY.encode("utf-16")}, err=("E002",)),
    Case("read-missing", 1, ("validate", "missing.yaml"), err=("E001",)),
    Case("read-two-documents", 1, V, files={"s.yaml": TINY + "---\n" + TINY}, err=("E003", "one document")),
    Case("read-stdin-dash", 1, ("validate", "-"), stdin=b"name: x\n", codes=(2,)),
)

# -- 2. expansion budgets ---------------------------------------------------------------------------
BLOCK = "blocks:\n  b:\n    layers:\n    - {type: relu, when: false}\n"
# every unit also reads the stem: the graph view's bends grow with the square of the depth (4.5 million here)
SKIPS = ("name: skips\ninput: [4, 8, 8]\nblocks:\n  unit:\n    args: {skip: null}\n    layers:\n"
         "      - {type: conv2d, name: conv, out_channels: 4, kernel_size: 3, padding: 1}\n"
         "      - {type: add, inputs: [conv, $skip]}\nlayers:\n"
         "  - {type: conv2d, name: stem, out_channels: 4, kernel_size: 1}\n"
         "  - {block: unit, skip: stem, repeat: 3000}\n")
add(
    Case("draw-skip-edges", 2, ("draw", "s.yaml"), files={"s.yaml": SKIPS}, codes=(1,),
         err=("--view: error[E305]: the graph view would place 4,501,502 points",)),
    Case("report-skip-edges", 2, ("report", "s.yaml", "-o", "r.html"), files={"s.yaml": SKIPS}, codes=(1,),
         err=("error[E305]",)),
    Case("expand-nested-repeat-99999", 2, V, files={"s.yaml": nested_blocks(2, 99_999, "{type: relu, when: false}")},
         codes=(1,), err=("E301",)),
    Case("expand-nested-repeat-9999", 2, V, files={"s.yaml": nested_blocks(2, 9_999, "{type: relu, when: false}")},
         codes=(1,), err=("E301", "visits more than 20,000 items")),
    Case("expand-32-nested-repeat-2", 2, V, files={"s.yaml": nested_blocks(31, 2, "{type: relu, when: false}")},
         codes=(1,), err=("E301",)),
    Case("expand-33-nested", 2, V, files={"s.yaml": nested_blocks(34, 1, "{type: relu}")}, codes=(1,),
         err=("E302",)),
    Case("expand-32-nested-real-layers", 2, V, files={"s.yaml": nested_blocks(31, 2, "{type: relu}")},
         codes=(1,), err=("E301",)),
    Case("expand-when-false-repeat", 2, V,  # dropped before its repeat is read: one step
         files={"s.yaml": spec("- {type: relu, when: false, repeat: 999999}\n")}, codes=(0,), out=("0 layers",)),
    Case("expand-when-false-in-repeated-block", 2, V, codes=(1,), err=("E301", "dropped"),
         files={"s.yaml": "name: w\ninput: [3, 8, 8]\nblocks:\n  b:\n    layers:\n"
                          + "    - {type: relu, when: false}\n" * 50 + "layers:\n- {block: b, repeat: 9999}\n"}),
    Case("expand-huge-repeat", 2, V, files={"s.yaml": spec("- {type: relu, repeat: 1000000000000}\n")},
         codes=(1,), err=("E301",)),
    Case("expand-repeat-10k", 2, V, files={"s.yaml": spec("- {type: relu, repeat: 10000}\n")}, codes=(0,)),
    Case("expand-repeat-10001", 2, V, files={"s.yaml": spec("- {type: relu, repeat: 10001}\n")}, codes=(1,),
         err=("E301", "10,000")),
    Case("expand-max-layers-option", 2, ("validate", "s.yaml", "--max-layers", "20000"),
         files={"s.yaml": spec("- {type: relu, repeat: 15000}\n")}, codes=(0,)),
    Case("expand-summarize-10k", 2, ("summarize", "s.yaml", "--format", "json"),
         files={"s.yaml": spec("- {type: conv2d, out_channels: 3, kernel_size: 3, padding: 1, repeat: 10000}\n")},
         codes=(0,)),
    Case("expand-summarize-10k-table-depth", 2, ("summarize", "s.yaml", "--depth", "1"),
         files={"s.yaml": spec("- {type: conv2d, out_channels: 3, kernel_size: 3, padding: 1, repeat: 10000}\n")},
         codes=(0,)),
    Case("expand-block-recursion", 2, V, files={"s.yaml": "name: r\ninput: [3, 8, 8]\nblocks:\n  a:\n    layers:\n"
                                                      "    - {block: b}\n  b:\n    layers:\n    - {block: a}\n"
                                                      "layers:\n- {block: a}\n"}, codes=(1,), err=("E109",)),
    Case("expand-block-call-named-input", 2, V,
         files={"s.yaml": "name: bi\ninput: [3, 8, 8]\nblocks:\n  b:\n    layers:\n    - {type: relu}\n"
                          "layers:\n- {block: b, name: input}\n- {type: relu, inputs: [input]}\n"},
         codes=(1,), err=("E105", "'input' is reserved")),
    Case("expand-negative-repeat", 2, V, files={"s.yaml": spec("- {type: relu, repeat: -5}\n")}, codes=(1,),
         err=("E104",)),
    Case("expand-float-repeat", 2, V, files={"s.yaml": spec("- {type: relu, repeat: 2.5}\n")}, codes=(1,),
         err=("E104",)),
    Case("expand-max-layers-zero", 2, ("validate", "alexnet", "--max-layers", "0"), codes=(2,)),
)

# -- 3. expression cost -----------------------------------------------------------------------------
add(
    Case("expr-hex-100k-digits", 3, V, files={"s.yaml": conv_with("$0x" + "f" * 100_000)}, codes=(1,),
         err=("E110", "characters long")),
    Case("expr-decimal-5k-digits", 3, V, files={"s.yaml": conv_with("$" + "9" * 900)}, codes=(1,),
         err=("E303",)),
    Case("expr-pow-tower", 3, V, files={"s.yaml": conv_with("$9**9**9**9")}, codes=(1,), err=("E303",)),
    Case("expr-pow-big", 3, V, files={"s.yaml": conv_with("$2**10**9")}, codes=(1,), err=("E303",)),
    Case("expr-pow-chain", 3, V, files={"s.yaml": conv_with("$(2**200)**(2**200)")}, codes=(1,), err=("E303",)),
    Case("expr-mult-grow", 3, V, files={"s.yaml": conv_with("$" + "*".join(["99999999999"] * 40))}, codes=(1,),
         err=("E303",)),
    Case("expr-string-repeat", 3, V, files={"s.yaml": conv_with("$len(\"a\" * 10**9)")}, codes=(1,),
         err=("E303", "items")),
    Case("expr-list-repeat", 3, V, files={"s.yaml": conv_with("$len([0] * 10**9)")}, codes=(1,), err=("E303",)),
    Case("expr-list-repeat-nested", 3, V, files={"s.yaml": conv_with("$len([[0] * 9000] * 9000)")}, codes=(1,),
         err=("E201",)),  # 9,000 references to one list: cheap, and a kernel of 9,000
    Case("expr-percent-format", 3, V, files={"s.yaml": conv_with("$len(\"%0999999999d\" % 1)")}, codes=(1,),
         err=("E110",)),
    Case("expr-3000-term-sum", 3, V, files={"s.yaml": conv_with("$" + "+".join(["1"] * 3000))}, codes=(1,),
         err=("E110",)),
    Case("expr-min-empty", 3, V, files={"s.yaml": conv_with("$min([])")}, codes=(1,), err=("E110", "of nothing")),
    Case("expr-max-empty", 3, V, files={"s.yaml": conv_with("$max()")}, codes=(1,), err=("E110",)),
    Case("expr-deep-parens", 3, V, files={"s.yaml": conv_with("$" + "(" * 300 + "1" + ")" * 300)}, codes=(1,),
         err=("E110",)),
    Case("expr-attribute", 3, V, files={"s.yaml": conv_with("$().__class__")}, codes=(1,), err=("E110",)),
    Case("expr-lambda", 3, V, files={"s.yaml": conv_with("$(lambda: 1)()")}, codes=(1,), err=("E110",)),
    Case("expr-import", 3, V, files={"s.yaml": conv_with("$__import__(\"os\")")}, codes=(1,), err=("E110",)),
    Case("expr-comprehension", 3, V, files={"s.yaml": conv_with("$[x for x in range(10**9)]")}, codes=(1,),
         err=("E110",)),
    Case("expr-walrus", 3, V, files={"s.yaml": conv_with("$(x := 3)")}, codes=(1,), err=("E110",)),
    Case("expr-fstring", 3, V, files={"s.yaml": conv_with("$f\"{9**9**9}\"")}, codes=(1,), err=("E110",)),
    Case("expr-division-by-zero", 3, V, files={"s.yaml": conv_with("$1 // 0")}, codes=(1,), err=("E110",)),
    Case("expr-float-overflow", 3, V, files={"s.yaml": conv_with("$1e308 * 10")}, codes=(1,), err=("E303",)),
    Case("expr-nan-literal", 3, V, files={"s.yaml": spec("- {type: conv2d, out_channels: 4, kernel_size: .nan}\n")},
         codes=(1,), err=("E104",)),
    Case("expr-index-huge", 3, V, files={"s.yaml": conv_with("$[1, 2][10**100]")}, codes=(1,), err=("E303",)),
    Case("expr-template-long", 3, V,
         files={"s.yaml": spec("- {type: relu, name: 'x${" + "+".join(["1"] * 600) + "}'}\n")}, codes=(1,),
         err=("E110",)),
    Case("calc-kernel-expression", 3, ("conv", "--input", "3x32x32", "--kernel", "$10**400.0"), err=("E004",)),
    Case("calc-kernel-pow", 3, ("conv", "--input", "3x32x32", "--kernel", "$9**9**9**9"), err=("E004",)),
    Case("calc-stride-huge", 3, ("conv", "--input", "3x32x32", "--kernel", "3", "--stride", "9" * 5000),
         codes=(2,), err=("--stride: error[E004]: a number of 5,000 digits is beyond the supported range",)),
    Case("convolve-stride-huge", 3, ("convolve", "--image", "1 2; 3 4", "--kernel", "1;", "--stride", "9" * 5000),
         codes=(2,), err=("--stride: error[E004]: a number of 5,000 digits is beyond the supported range",)),
    Case("pooling-kernel-huge", 3, ("pooling", "--image", "1 2; 3 4", "--kernel", "9" * 50), codes=(2,),
         err=("--kernel: error[E004]: a number of 50 digits",)),
    Case("arg-number-huge", 3, ("summarize", "mobilenet_v2", "--arg", "width=" + "9" * 5000), codes=(2,),
         err=("--arg: error[E004]: width: a number of 5,000 digits is beyond the supported range",)),
    Case("calc-padding-text", 3, ("conv", "--input", "3x32x32", "--kernel", "3", "--padding", "max"),
         err=("E004",)),
    Case("arg-expression", 3, ("summarize", "mobilenet_v2", "--arg", "width=$9**9**9**9"), codes=(2,), err=("E004",)),
    Case("arg-unknown", 3, ("summarize", "mobilenet_v2", "--arg", "nope=1"), err=("E004",)),
)

# -- 4. symbolic search -----------------------------------------------------------------------------
STRIDE = "- {type: conv2d, out_channels: 4, kernel_size: 3, stride: 1099511627776}\n"


def floor_chain(n: int) -> str:
    return spec(*(f"- {{type: conv2d, out_channels: 4, kernel_size: {3 + 2 * (i % 3)}, padding: {1 + i % 2}, "
                  f"stride: {2 if i % 4 == 0 else 1}}}\n" for i in range(n)))


add(
    Case("sym-huge-stride", 4, ("validate", "s.yaml", "--input", "3xHxW"), files={"s.yaml": spec(STRIDE)},
         codes=(0,), out=("not searched",)),
    Case("sym-huge-stride-twice", 4, ("validate", "s.yaml", "--input", "3xHxW"),
         files={"s.yaml": spec(STRIDE, STRIDE)}, codes=(1,)),
    Case("sym-huge-stride-json", 4, ("validate", "s.yaml", "--input", "3xHxW", "--format", "json"),
         files={"s.yaml": spec(STRIDE)}, codes=(0,), out=('"residues": null',)),
    # sympy's cost decides whether it finishes (0 or 1) or meets the 3 s CPU budget (2): either way, bounded
    Case("sym-floor-chain-400", 4, ("validate", "s.yaml", "--input", "3xHxW"), files={"s.yaml": floor_chain(400)},
         codes=(0, 1, 2)),
    Case("sym-floor-chain-1500-summarize", 4, ("summarize", "s.yaml", "--input", "3xHxW"),
         files={"s.yaml": floor_chain(1500)}, codes=(2,), err=("E004",)),
    Case("sym-too-many-layers", 4, ("validate", "s.yaml", "--input", "3xHxW"),
         files={"s.yaml": spec("- {type: relu, repeat: 2500}\n")}, codes=(2,), err=("E004", "at most 2,000")),
    Case("sym-vgg16", 4, ("validate", "vgg16", "--input", "3xHxW"), codes=(0,), out=("H ≥ 32",)),
    Case("sym-bad-letters", 4, ("validate", "alexnet", "--input", "3xH-1xW"), codes=(2,), err=("E004",)),
    Case("sym-channels", 4, ("validate", "alexnet", "--input", "Cx32x32"), codes=(2,), err=("E004",)),
    Case("sym-long-symbol-names", 4, ("validate", "alexnet", "--input", "3xABCDEFGHIJxKLMNOPQRST"), codes=(0,),
         out=("ABCDEFGHIJ ≥ 67",)),  # AlexNet's smallest input, as tests/test_symbolic.py finds by brute force
)

# -- 9. arithmetic edge cases -----------------------------------------------------------------------
PUB = "name: p\ninput: [3, 8, 8]\npublished: {%s}\nlayers: [{type: conv2d, out_channels: 1, kernel_size: 1}]\n"
UP = "- {type: upsample, scale_factor: 1099511627776}\n"
add(
    *(Case(f"published-{name}{'-json' if fmt else ''}", 9, ("summarize", "s.yaml", "--compare", *fmt),
           files={"s.yaml": PUB % value}, codes=(0,))
      for name, value in (("zero", "params: 0"), ("inf", "params: .inf"), ("nan", "params: .nan"),
                          ("negative", "params: -5"), ("huge", "params: 1" + "0" * 60),
                          ("both-zero", "params: 0, macs: 0"),
                          ("text", "params: lots"), ("float", "macs: 0.4"))
      for fmt in ((), ("--format", "json"))),
    Case("upsample-30x2^40", 9, ("summarize", "s.yaml"), files={"s.yaml": spec(*[UP] * 30)}, codes=(1,),
         err=("E303", "at most 2⁴⁰")),
    Case("upsample-30x2^40-json", 9, ("summarize", "s.yaml", "--format", "json"), files={"s.yaml": spec(*[UP] * 30)},
         codes=(1,), err=("E303",)),
    Case("upsample-500x2", 9, ("summarize", "s.yaml", "--format", "json"),
         files={"s.yaml": spec(*["- {type: upsample, scale_factor: 2}\n"] * 500)}, codes=(1,), err=("E303",)),
    Case("upsample-38x2-columns-all", 9, ("summarize", "s.yaml", "--columns", "all"),
         files={"s.yaml": spec(*["- {type: upsample, scale_factor: 2}\n"] * 38, head="name: u\ninput: [3, 1, 1]\n"
                                                                                "layers:\n")}, codes=(0,)),
    Case("input-option-huge", 9, ("summarize", "alexnet", "--input", "1x100000000000000000000x32"), codes=(2,),
         err=("E004", "2⁴⁰")),
    Case("input-option-zero", 9, ("summarize", "alexnet", "--input", "3x0x224"), codes=(2,), err=("E004",)),
    Case("input-spec-huge", 9, V, files={"s.yaml": "name: x\ninput: [3, 100000000000000000000, 8]\nlayers:\n" + CONV},
         codes=(1,), err=("E303",)),
    Case("linear-huge", 9, V, files={"s.yaml": "name: x\ninput: [1099511627776]\nlayers:\n"
                                               "- {type: linear, out_features: 1099511627776}\n"}, codes=(0, 1)),
    Case("max-memory-garbage", 9, ("verify", "alexnet", "--max-memory", "lots"), codes=(2,), err=("E004",)),
    Case("batch-zero", 9, ("verify", "lenet5", "--batch", "0"), codes=(2,)),
)

# -- 10. the environment ----------------------------------------------------------------------------
add(
    Case("env-head-summarize", 10, ("summarize", "resnet152", "--depth", "3"), head=True, codes=(0, 141)),
    Case("env-head-check", 10, ("check", "sheet.yaml"), head=True, codes=(0, 141),
         files={"sheet.yaml": "model: alexnet\nanswers:\n" + "".join(
             f"  {n}: {{output_shape: {s}}}\n" for n, s in (("conv1", "55x55x96"), ("pool1", "27x27x96"),
                                                          ("conv2", "27x27x256"), ("pool2", "13x13x256")))}),
    Case("env-head-explain", 10, ("explain", "alexnet", "conv1"), head=True, codes=(0, 141)),
    Case("env-head-list", 10, ("list",), head=True, codes=(0, 141)),
    *(Case(f"env-{tag}-{cmd}", 10, args, env=env, codes=(0,), not_out=("UnicodeEncodeError",))
      for tag, env in (("ascii", {"PYTHONIOENCODING": "ascii"}), ("latin1", {"PYTHONIOENCODING": "latin-1"}),
                       ("c-locale", {"LC_ALL": "C", "PYTHONUTF8": "0"}), ("cp437", {"PYTHONIOENCODING": "cp437"}))
      for cmd, args in (("summarize", ("summarize", "alexnet")), ("explain", ("explain", "alexnet", "conv1")),
                        ("validate-sym", ("validate", "alexnet", "--input", "3xHxW")))),
    Case("env-ascii-shows-x", 10, ("summarize", "alexnet"), env={"PYTHONIOENCODING": "ascii"}, codes=(0,),
         out=("96x55x55",)),
    Case("env-ascii-errors", 10, ("validate", "s.yaml"), env={"PYTHONIOENCODING": "ascii"}, codes=(1,),
         files={"s.yaml": spec("- {type: conv2d, out_channels: 4, kernel_size: 99}\n")}, err=("E201",)),
    Case("env-closed-stdout", 10, ("summarize", "alexnet"), close_stdout=True, codes=(0,)),
    Case("env-closed-stdout-invalid", 10, ("validate", "s.yaml"), close_stdout=True, codes=(1,),
         files={"s.yaml": spec("- {type: conv2d, out_channels: 4, kernel_size: 99}\n")}),
    Case("env-closed-stderr-missing", 10, ("validate", "missing.yaml"), close_stderr=True, codes=(2,)),
    Case("env-closed-both", 10, ("validate", "missing.yaml"), close_stdout=True, close_stderr=True, codes=(2,)),
    Case("env-closed-stdout-output-file", 10, ("summarize", "alexnet", "-o", "out.txt"), close_stdout=True,
         codes=(0,), check=lambda folder, res: (folder / "out.txt").read_text().startswith("alexnet")),
    Case("env-interrupt-startup", 10, ("summarize", "efficientnet_b7"), interrupt_after=0.12, codes=(130, 0),
         not_out=("KeyboardInterrupt",)),
    Case("env-interrupt-later", 10, ("validate", "efficientnet_b7", "--input", "3xHxW"), interrupt_after=0.6,
         codes=(130, 0)),
    Case("env-no-color-term", 10, ("summarize", "lenet5"), env={"TERM": "dumb", "NO_COLOR": "1"}, codes=(0,)),
    Case("env-columns-tiny", 10, ("summarize", "lenet5"), env={"COLUMNS": "5"}, codes=(0,)),
    Case("env-home-missing", 10, ("summarize", "lenet5"), env={"HOME": "/nonexistent"}, codes=(0,)),
    Case("env-unknown-command", 10, ("frobnicate",), codes=(2,)),
    Case("env-unknown-option", 10, ("summarize", "alexnet", "--frob"), codes=(2,)),
)

# -- 11. presentation and semantics -----------------------------------------------------------------
add(
    Case("tag-python-object", 11, V, files={"s.yaml": "name: !!python/object/apply:os.system ['echo hi']\n" + TINY[8:]},
         err=("E003", "unknown YAML tag '!!python/object/apply:os.system'")),
    Case("tag-python-name", 11, V, files={"s.yaml": TINY + "description: !!python/name:os.system\n"},
         err=("E003", "unknown YAML tag")),
    Case("tag-custom", 11, V, files={"s.yaml": TINY + "description: !secret x\n"}, err=("E003",)),
    Case("tag-binary", 11, V, files={"s.yaml": TINY + "description: !!binary aGk=\n"}, err=("E003",)),
    Case("tag-set", 11, V, files={"s.yaml": TINY + "description: !!set {a: null}\n"}, err=("E003",)),
    Case("tag-on-layers", 11, V, files={"s.yaml": "name: t\ninput: [3, 8, 8]\nlayers: !!python/tuple [1]\n"},
         err=("E003",)),
    Case("tag-standard-str", 11, V, files={"s.yaml": TINY + "description: !!str 12\n"}, codes=(0,)),
    Case("name-list", 11, V, files={"s.yaml": "name: [echo hi]\n" + TINY[8:]}, codes=(1,),
         err=("E111", "must be a string")),
    Case("name-mapping", 11, V, files={"s.yaml": "name: {a: 1}\n" + TINY[8:]}, codes=(1,), err=("E111",)),
    Case("name-escape-codes", 11, ("summarize", "s.yaml"), codes=(0,),
         files={"s.yaml": 'name: "n\\e[2J"\ninput: [3, 8, 8]\nlayers:\n- {type: relu, name: "r\\e]0;pwned\\a\\0"}\n'},
         out=("r\\x1b]0;pwned\\x07\\x00", "n\\x1b[2J"), not_out=("\x1b", "\x07", "\x00")),
    Case("name-escape-codes-csv", 11, ("summarize", "s.yaml", "--format", "csv"), codes=(0,),
         files={"s.yaml": 'name: x\ninput: [3, 8, 8]\nlayers:\n- {type: relu, name: "r\\e[31m\\u202e"}\n'},
         out=("r\\x1b[31m\\u202e",), not_out=("\x1b", "\u202e")),
    Case("name-escape-in-errors", 11, V, codes=(1,),
         files={"s.yaml": 'name: x\ninput: [3, 8, 8]\nlayers:\n- {type: relu, inputs: ["nope\\e[2J"]}\n'},
         err=("E106",), not_out=("\x1b",)),
    Case("merge-override", 11, ("summarize", "s.yaml", "--format", "csv"), codes=(0,),
         files={"s.yaml": "name: m\ninput: [3, 32, 32]\nlayers:\n"
                          "- &c {type: conv2d, out_channels: 8, kernel_size: 3, name: a}\n"
                          "- {<<: *c, kernel_size: 5, name: b}\n"}, out=("b,conv2d,8×26×26,1608",)),
    Case("merge-list", 11, ("summarize", "s.yaml", "--format", "csv"), codes=(0,),
         files={"s.yaml": "name: m\ninput: [3, 32, 32]\nlayers:\n- &c {type: conv2d, out_channels: 8, kernel_size: 3}\n"
                          "- {<<: [{kernel_size: 1}, *c], name: p}\n"}, out=("p,conv2d,8×30×30,72",)),  # the first wins
    Case("merge-not-mapping", 11, V, files={"s.yaml": TINY + "x: {<<: 5}\n"}, err=("E003",)),
    Case("duplicate-key", 11, V, files={"s.yaml": TINY + "name: again\n"}, err=("E003", "duplicate key 'name'")),
    Case("undefined-alias", 11, V, files={"s.yaml": TINY + "description: *nothing\n"}, err=("E003",)),
    Case("input-deferred-nested", 11, V, codes=(1,),
         files={"s.yaml": "name: x\ninput: [[$in_channels // 2], 28, 28]\nlayers:\n" + CONV}, err=("E111",)),
    Case("input-nested-list", 11, V, codes=(1,), files={"s.yaml": "name: x\ninput: [[1], 28, 28]\nlayers:\n" + CONV},
         err=("E111",)),
    Case("layers-not-list", 11, V, files={"s.yaml": "name: x\ninput: [3, 8, 8]\nlayers: 5\n"}, codes=(1, 2)),
    Case("document-is-list", 11, V, files={"s.yaml": "- 1\n- 2\n"}, codes=(1, 2), err=("E111",)),
    Case("verify-input-yaml", 11, ("verify", "lenet5", "--input", "s.yaml"), files={"s.yaml": TINY}, codes=(2,),
         not_out=("allow_pickle",)),
)
