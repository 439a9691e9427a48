"""`cnncalc report`: the HTML page is well-formed, self-contained, escapes what a spec names, says the
totals summarize says, speaks Spanish under --lang es, and stays small for a 152-layer ResNet."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

VOID = {"meta", "link", "br", "hr", "img", "input", "wbr", "col", "area", "base", "source", "track", "embed"}

# Conv2d(3, 4, kernel 3, stride 2) over 16×16 gives 7×7 (PyTorch: torch.nn.Conv2d(3, 4, 3, stride=2) on a
# 1×3×16×16 tensor is 1×4×7×7), with (16 − 3)/2 + 1 = 7.5 floored: W101 warns that a row is never covered.
HOSTILE = """\
name: "<script>alert('net')</script>"
input: [3, 16, 16]
layers:
  - {type: conv2d, name: "<script>alert('x')</script>", out_channels: 4, kernel_size: 3, stride: 2}
  - {type: relu, name: "a&b\\"c<i>"}
"""


class Page(HTMLParser):
    """The page as a browser's parser reads it: tags nested properly, and every attribute and text kept."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.tags, self.attrs, self.texts = [], [], [], [], []
        self.text = text
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"never closed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.texts.append(data)

    def cells(self, css_class: str) -> list:
        """The rows of <table class=css_class> as lists of cell texts (parsed again, for the one table)."""
        return _Table(self.text, css_class).rows


class _Table(HTMLParser):
    def __init__(self, text: str, css_class: str):
        super().__init__(convert_charrefs=True)
        self.want, self.depth, self.rows, self.cell = css_class, 0, [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth = 1 if dict(attrs).get("class") == self.want else (self.depth and self.depth + 1)
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


@pytest.fixture
def spanish():
    from cnncalc.i18n import set_language

    yield lambda: set_language("es")
    set_language("en")


def _report(cli, *args) -> str:
    res = cli("report", *args)
    assert res.code == 0, res.err
    return res.out


def test_the_page_is_well_formed_and_holds_every_part(cli):
    """GoogLeNet with --compare: the published figures are Szegedy et al. 2015's Table 1, one row per
    figure compare() grades, under the header row."""
    from cnncalc.compare import compare
    from cnncalc.pipeline import summarize

    page = Page(_report(cli, "googlenet", "--compare"))
    assert page.problems == []
    assert page.tags[0] == "html" and page.text.startswith("<!DOCTYPE html>")
    assert {"svg", "table", "style"} <= set(page.tags)
    assert page.tags.count("svg") == 1
    published = page.cells("published")
    assert len(published) == 1 + len(compare(summarize("googlenet"))) > 10
    assert "Szegedy et al. 2015, Table 1" in page.text


def test_the_page_is_self_contained_without_any_script(cli):
    """Nothing is fetched: no script at all, no src/href to the network, no CSS import or remote url()."""
    text = _report(cli, "resnet50", "--compare")
    page = Page(text)
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    links = [v for k, v in page.attrs if k in ("src", "href", "xlink:href", "action", "data") and v]
    assert not [v for v in links if v.startswith(("http:", "https:", "//", "data:text/html"))], links
    assert "@import" not in text and "url(http" not in text.replace(" ", "")
    assert not [k for k, _ in page.attrs if k.startswith("on")], "no event handlers"


def test_a_hostile_name_is_text_not_markup(cli, spec_file):
    page_text = _report(cli, spec_file(HOSTILE))
    page = Page(page_text)
    assert page.problems == []
    assert "script" not in page.tags and "i" not in page.tags
    assert "<script>" not in page_text
    layers = page.cells("layers")
    assert layers[1][0] == "<script>alert('x')</script>" and layers[1][3] == "4×7×7"  # PyTorch's 1×4×7×7
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        out = torch.nn.Conv2d(3, 4, 3, stride=2)(torch.zeros(1, 3, 16, 16)).shape
        assert layers[1][3] == "×".join(map(str, out[1:]))
    assert layers[2][0] == 'a&b"c<i>'
    assert any("<script>alert('net')</script>" in t for t in page.texts)  # the title, as text
    warnings = [t for t in page.texts if "W101" in t]
    assert warnings and "<script>alert('x')</script>" in warnings[0]


def test_the_totals_are_summarize_s(cli):
    """ResNet-50: 25,557,032 trainable parameters (torchvision's resnet50), 53,120 batch-norm buffers."""
    summary = json.loads(cli("summarize", "resnet50", "-f", "json").out)["totals"]
    totals = {label: value for label, value in Page(_report(cli, "resnet50")).cells("totals")}

    def number(label):
        return int(totals[label].split(" ")[0].replace(",", ""))

    assert number("Trainable params") == summary["trainable_params"] == 25_557_032
    assert number("Total params (incl. non-trainable)") == summary["params"] == 25_557_032 + 53_120
    assert number("Non-trainable params (buffers)") == summary["non_trainable_params"] == 53_120
    assert number("MACs") == summary["macs"] and number("FLOPs") == summary["flops"] == 2 * summary["macs"]
    assert number("Depth (conv/linear layers, longest path)") == summary["depth"] == 50


def test_spanish_under_lang_es(cli):
    page = Page(_report(cli, "--lang", "es", "alexnet"))
    assert 'lang="es"' in page.text
    headings = [t for t in page.texts if t in ("Totales", "Diagnósticos", "Diagrama", "Capas")]
    assert headings == ["Totales", "Diagrama", "Capas"]
    assert page.cells("layers")[0][:2] == ["Capa", "Tipo"]
    labels = [row[0] for row in page.cells("totals")]
    assert "Parámetros entrenables" in labels and "Trainable params" not in labels


def test_spanish_with_set_language(spanish):
    from cnncalc.pipeline import summarize
    from cnncalc.render.report import report_html

    spanish()
    page = Page(report_html(summarize("alexnet"), None, '<svg xmlns="http://www.w3.org/2000/svg"/>'))
    assert page.problems == [] and any(t.startswith("entrada 3×227×227, salida 1000") for t in page.texts)


def test_resnet152_fits_in_a_megabyte(cli, tmp_path):
    out = tmp_path / "resnet152.html"
    res = cli("report", "resnet152", "-o", str(out))
    assert res.code == 0 and res.out == ""
    size = out.stat().st_size
    assert size <= 1_000_000, f"{size:,} bytes"
    page = Page(out.read_text(encoding="utf-8"))
    assert page.problems == [] and "svg" in page.tags


def test_output_goes_through_outfile_s_rules(cli, tmp_path):
    res = cli("report", "alexnet", "-o", str(tmp_path))
    assert res.code == 2 and "--output" in res.err and "E004" in res.err


def test_a_symbolic_input_is_refused_naming_the_option(cli):
    res = cli("report", "alexnet", "--input", "3xHxW")
    assert res.code == 2 and "--input" in res.err and "symbolic" in res.err


def test_view_and_depth_reach_the_diagram_and_the_table(cli):
    """--depth 1 is summarize --depth 1's rows (ResNet-50: the stem, its four stages conv2_x to conv5_x of
    He et al. 2016, Table 1, torchvision's layer1 to layer4, then the pool and fc); --view picks the view."""
    page = Page(_report(cli, "resnet50", "--depth", "1"))
    rows = cli("summarize", "resnet50", "--depth", "1", "-f", "csv").out.splitlines()[1:]
    names = [row[0] for row in page.cells("layers")[1:]]
    assert names == [row.split(",")[0] for row in rows]
    assert [n for n in names if n.startswith("layer")] == ["layer1", "layer2", "layer3", "layer4"]
    assert 'data-view="volume"' in _report(cli, "alexnet") and 'data-view="graph"' in _report(
        cli, "alexnet", "--view", "graph")


def test_a_diagram_taller_than_a_printed_page_prints_without_its_lone_heading():
    """Chromium moves a picture taller than the rest of a page to a fresh page before slicing it, which
    left the heading alone on a page of its own. Scaled to an A4 text width (680 px), AlexNet's volume view
    (944.5 × 246) is 177 px tall; a 3,000 px chain of blocks is over three pages."""
    from cnncalc.render.report import CSS, is_taller_than_a_page

    def svg(w, h):
        return f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}"></svg>'

    assert not is_taller_than_a_page(svg(944.5, 246))
    assert is_taller_than_a_page(svg(619, 3000)) and is_taller_than_a_page(svg(2000, 4000))
    assert not is_taller_than_a_page(svg(2000, 2600))  # 884 px once scaled to 680 px wide
    assert "section.diagram.tall h2 { display: none; }" in CSS.split("@media print")[1]


def test_an_invalid_design_writes_no_page_and_says_where(cli, monkeypatch):
    """examples/broken.yaml's linear layer on line 9 gets a 8×7×7 tensor: exit 1, the error with its place."""
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    res = cli("report", "examples/broken.yaml")
    assert res.code == 1 and res.out == ""
    assert "examples/broken.yaml:9:5: error[E205]: linear_1: linear receives a 8×7×7 tensor" in res.err
