"""The pictures as a reader sees them: the HTML report and the SVG diagrams opened in headless Chromium
(Debian's `chromium` package; .ci/run installs it), screenshotted, and the screenshots read back.

A page counts as rendered when the diagram's own colours (the legend's family swatches, taken from the
SVG text) are painted on the screen, the report's table is in the DOM Chromium built, and Chromium
logged no console message (this build writes them as `INFO:CONSOLE:<line>] "<text>"`, an uncaught
exception as `"Uncaught ReferenceError: ..."`) and loaded no file but the page itself (its
`FileURLLoader::Start: file://...` lines at --v=1): the report is self-contained in a real browser.

One Chromium process per page, all started at once. The screenshots are kept under tmp_path and
copied to /tmp/screens/ to be looked at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.png import read_rgb

pytestmark = pytest.mark.browser

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
MODELS = ("alexnet", "googlenet", "resnet50", "densenet121", "unet")
SCREENS = Path("/tmp/screens")
# the flags the machine's notes give for a closed network: no background connections, no first-run work
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1", "--enable-logging=stderr", "--v=1")

requires_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")


def _chromium(page: Path, profile: Path, *action: str, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *action, page.as_uri()],
                          capture_output=True, text=True, timeout=timeout)


def _swatches(svg: str) -> set:
    """The family colours of the drawing's legend, as (r, g, b), greys left out (the input's and the
    reshapes' boxes): grey pixels are also the text's anti-aliasing, a colour is only the diagram's."""
    found = re.findall(r'<rect class="swatch"[^>]*style="fill:#([0-9a-fA-F]{6})', svg)
    colours = {tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)) for h in found}
    return {c for c in colours if max(c) - min(c) > 40}


class Page:
    """One page opened in Chromium: its screenshot's pixels, the DOM, what Chromium logged."""

    def __init__(self, path: Path, svg: str, window: tuple, tmp: Path, label: str = ""):
        self.path, self.svg, self.window = path, svg, window
        label = label or path.stem
        self.png = tmp / f"{label}.png"
        self.profile, self.dom_profile = tmp / f"profile-{label}", tmp / f"profile-dom-{label}"
        self.shot = self.dom = None

    def run(self, with_dom: bool) -> Page:
        w, h = self.window
        self.shot = _chromium(self.path, self.profile, f"--screenshot={self.png}", f"--window-size={w},{h}")
        if with_dom:
            self.dom = _chromium(self.path, self.dom_profile, "--dump-dom")
        return self

    def console_lines(self) -> list:
        logs = self.shot.stderr + (self.dom.stderr if self.dom else "")
        return [line for line in logs.splitlines() if ":CONSOLE" in line or "Uncaught" in line]

    def files_loaded(self) -> set:
        logs = self.shot.stderr + (self.dom.stderr if self.dom else "")
        return set(re.findall(r"FileURLLoader::Start: (\S+)", logs))

    def painted(self) -> tuple[int, int, set, tuple]:
        """(pixels not white, pixels in a swatch colour, the swatch colours seen, their rows' span)."""
        width, height, rows = read_rgb(self.png)
        wanted = _swatches(self.svg)
        not_white = in_colour = 0
        seen, ys = set(), []
        for y, row in enumerate(rows):
            hits = 0
            for x in range(0, 3 * width, 3):
                rgb = (row[x], row[x + 1], row[x + 2])
                if rgb != (255, 255, 255):
                    not_white += 1
                    if rgb in wanted:
                        hits += 1
                        seen.add(rgb)
            if hits:
                in_colour += hits
                ys.append(y)
        return not_white, in_colour, seen, (min(ys), max(ys)) if ys else (None, None)

    def runs_of(self, colour: tuple) -> int:
        """How many separate bands of screen columns hold a pixel of `colour` (one per box so painted)."""
        width, _, rows = read_rgb(self.png)
        hit = [False] * width
        for row in rows:
            for x in range(width):
                if not hit[x] and (row[3 * x], row[3 * x + 1], row[3 * x + 2]) == colour:
                    hit[x] = True
        return sum(1 for x in range(width) if hit[x] and (x == 0 or not hit[x - 1]))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    from cnncalc.draw import draw, to_svg
    from cnncalc.pipeline import summarize

    tmp = tmp_path_factory.mktemp("browser")
    out = {}
    for model in MODELS:
        svg = to_svg(draw(summarize(model)))
        path = tmp / f"{model}.svg"
        path.write_text(svg, encoding="utf-8")
        width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
        out[model] = Page(path, svg, (int(width) + 40, 1000), tmp)
    report = tmp / "alexnet_report.html"
    subprocess.run([sys.executable, "-m", "cnncalc", "report", "alexnet", "-o", str(report)], check=True)
    out["report"] = Page(report, to_svg(draw(summarize("alexnet"))), (1200, 1600), tmp)
    out["narrow"] = Page(report, out["report"].svg, (700, 1600), tmp, "alexnet_report_700px")
    with ThreadPoolExecutor(max_workers=len(out)) as pool:
        list(pool.map(lambda item: item[1].run(with_dom=item[0] == "report"), out.items()))
    SCREENS.mkdir(parents=True, exist_ok=True)
    for page in out.values():
        assert page.shot.returncode == 0, page.shot.stderr[-2000:]
        shutil.copy(page.png, SCREENS / page.png.name)
    return out


@requires_chromium
@pytest.mark.parametrize("name", [*MODELS, "report", "narrow"])
def test_the_page_renders_without_console_errors(pages, name):
    page = pages[name]
    assert page.png.stat().st_size > 0
    assert page.console_lines() == []
    assert page.files_loaded() == {page.path.as_uri()}, "the page loads nothing but itself"


@requires_chromium
@pytest.mark.parametrize("name", MODELS)
def test_the_diagram_is_painted_in_its_family_colours(pages, name):
    page = pages[name]
    not_white, in_colour, seen, _ = page.painted()
    w, h = page.window
    assert not_white > 0.01 * w * h, f"{name}: {not_white} pixels not white of {w * h}"
    assert in_colour > 200 and len(seen) >= 2, f"{name}: {in_colour} pixels in {len(seen)} swatch colours"


@requires_chromium
def test_the_report_shows_its_inline_diagram_below_the_totals(pages):
    """AlexNet's page: the diagram's colours painted under the totals (whose first row is the parameter
    count: 60,965,224, Krizhevsky et al. 2012's network with its two GPU halves' grouped convolutions)."""
    page = pages["report"]
    not_white, in_colour, seen, (top, bottom) = page.painted()
    assert in_colour > 500 and len(seen) >= 3, (in_colour, seen)
    assert 300 < top < bottom < 1200, (top, bottom)
    dom = page.dom.stdout
    assert page.dom.returncode == 0
    assert '<table class="layers">' in dom and '<td class="name">conv1</td>' in dom
    assert '<td class="name">fc8</td>' in dom and "60,965,224" in dom
    from cnncalc.pipeline import summarize

    assert dom.count('<td class="name">') == len(summarize("alexnet").layers)


@requires_chromium
def test_a_diagram_wider_than_the_window_is_scaled_not_cut(pages):
    """AlexNet's volume view is about 945 px wide; in a 700 px window every fully connected bar (fc6, fc7,
    fc8, at its right end) is still painted, beside the legend's swatch: the figure shrinks to the page,
    as it does when printed (the same max-width rule)."""
    svg = pages["narrow"].svg
    bars = re.findall(r'<rect class="bar"[^>]*style="fill:#([0-9a-f]{6})[^>]*><title>(fc\d)</title>', svg)
    assert [name for _, name in bars] == ["fc6", "fc7", "fc8"] and len({fill for fill, _ in bars}) == 1
    colour = tuple(int(bars[0][0][i:i + 2], 16) for i in (0, 2, 4))
    boxes = svg.count(f"fill:#{bars[0][0]}")
    assert boxes == 4  # the legend's swatch and the three bars
    assert pages["narrow"].runs_of(colour) == boxes
    assert pages["report"].runs_of(colour) == boxes
