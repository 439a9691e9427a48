"""cnncalc's figure under each tool's convention equals that tool's own output on the torchvision model.

Each tool is run for real (CPU, 224×224, batch 1) on the torchvision build the bundled spec
equals (tests/oracle/torchvision_oracle.py); the expected numbers are the tools', never ours.
Where a tool's figure depends on something a spec cannot say (ptflops counts an op twice when
it is a module and once when the model calls torch.nn.functional), the case is an
xfail(strict=True) naming that reason.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import types

import pytest

from cnncalc.conventions import figure
from cnncalc.pipeline import summarize

torch = pytest.importorskip("torch")

from tests.oracle.torchvision_oracle import build, meta  # noqa: E402

MODELS = {"resnet18": "resnet18", "resnet50": "resnet50", "alexnet_torchvision": "alexnet",
          "squeezenet1_0": "squeezenet1_0", "mobilenet_v2": "mobilenet_v2",
          "densenet121": "densenet121", "googlenet_torchvision": "googlenet"}
BUILD = {"googlenet_torchvision": {"aux_logits": False, "init_weights": False}}
XFAIL = {  # what a spec cannot say: whether torchvision calls the op as a module or as torch.nn.functional
    ("ptflops", "mobilenet_v2"): "mobilenet_v2 calls F.adaptive_avg_pool2d: ptflops counts it once, a module twice",
    ("ptflops", "densenet121"): "densenet121 calls F.relu and F.adaptive_avg_pool2d: ptflops counts them once",
    ("ptflops", "googlenet_torchvision"): "googlenet's BasicConv2d calls F.relu: ptflops counts it once",
    ("thop", "mobilenet_v2"): "mobilenet_v2 calls F.adaptive_avg_pool2d: thop hooks modules only, so it counts 0",
    ("thop", "densenet121"): "densenet121 calls F.adaptive_avg_pool2d: thop hooks modules only, so it counts 0",
}
FVCORE_MODELS = ("resnet18", "resnet50", "alexnet_torchvision", "squeezenet1_0", "mobilenet_v2")
_cache: dict = {}


def model(spec):
    if spec not in _cache:
        torch.manual_seed(0)
        with torch.device("cpu"):
            _cache[spec] = build(MODELS[spec], **BUILD.get(spec, {}))
    return _cache[spec]


def analysis(spec):
    key = ("a", spec)
    if key not in _cache:
        _cache[key] = summarize(spec)
    return _cache[key]


def image():
    return torch.zeros(1, 3, 224, 224)


@contextlib.contextmanager
def quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def thop_of(m):
    thop = pytest.importorskip("thop")
    with quiet():
        macs, params = thop.profile(m, inputs=(image(),), verbose=False)
    return int(macs), int(params)


def ptflops_importable():
    """ptflops imports torchvision.ops when torchvision is there, which needs the oracle's stub first."""
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    return pytest.importorskip("ptflops")


def ptflops_of(m):
    ptflops = ptflops_importable()
    with quiet():
        macs, params = ptflops.get_model_complexity_info(m, (3, 224, 224), as_strings=False, backend="pytorch",
                                                         print_per_layer_stat=False, verbose=False)
    return int(macs), int(params)


def torchinfo_of(m):
    torchinfo = pytest.importorskip("torchinfo")
    s = torchinfo.summary(m, input_size=(1, 3, 224, 224), verbose=0, device="cpu")
    return s.total_mult_adds, s.total_params


def fvcore_of(m):
    nn = pytest.importorskip("fvcore.nn")
    with quiet():
        a = nn.FlopCountAnalysis(m, image())
        a.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        return a.total(), nn.parameter_count(m)[""]


def flopcounter_of(m):
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as c:
        m(image())
    return c.get_total_flops(), sum(p.numel() for p in m.parameters())


RUNNERS = {"thop": thop_of, "ptflops": ptflops_of, "torchinfo": torchinfo_of, "fvcore": fvcore_of,
           "flopcounter": flopcounter_of}


def cases():
    for tool in RUNNERS:
        for spec in (FVCORE_MODELS if tool == "fvcore" else MODELS):
            marks = ()
            if (tool, spec) in XFAIL:
                marks = (pytest.mark.xfail(strict=True, reason=XFAIL[tool, spec]),)
            yield pytest.param(tool, spec, marks=marks, id=f"{tool}-{spec}")


@pytest.mark.parametrize("tool,spec", list(cases()))
def test_tool_total(tool, spec):
    theirs, their_params = RUNNERS[tool](model(spec))
    ours = figure(analysis(spec), tool)
    assert ours.count == theirs
    assert ours.params == their_params


@pytest.mark.parametrize("spec", list(MODELS))
def test_torchvision_ops(spec):
    ours = figure(analysis(spec), "torchvision")
    assert round(ours.count / 1e9, 3) == meta(MODELS[spec])["_ops"]


def test_summarize_path_imports_no_tool():
    code = ("import sys, cnncalc.cli, cnncalc.conventions; "
            "print([m for m in ('torch', 'thop', 'ptflops', 'fvcore', 'torchinfo') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
