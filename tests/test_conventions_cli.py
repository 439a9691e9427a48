"""`summarize --convention` and `--compare-tools` on the command line, checked against the real tools."""

from __future__ import annotations

import json

import pytest


def test_json_conventions_equal_the_real_tools(cli):
    from tests.test_conventions import RUNNERS, model

    res = cli("summarize", "resnet18", "--compare-tools", "--format", "json")
    assert res.code == 0, res.err
    got = json.loads(res.out)["conventions"]
    for tool in ("thop", "torchinfo", "flopcounter", "ptflops"):
        count, params = RUNNERS[tool](model("resnet18"))
        assert (got[tool]["count"], got[tool]["params"]) == (count, params), tool
    assert got["thop"]["unit"] == "MACs" and got["flopcounter"]["unit"] == "FLOPs"
    assert got["torchinfo"]["unit"] == "mult-adds"


def test_torchvision_short_form_is_the_weights_meta(cli):
    from tests.oracle.torchvision_oracle import meta

    res = cli("summarize", "resnet50", "--compare-tools", "--format", "json")
    assert float(json.loads(res.out)["conventions"]["torchvision"]["short"]) == meta("resnet50")["_ops"]


def test_convention_is_named_in_the_footer(cli):
    pytest.importorskip("thop")
    from tests.test_conventions import model, thop_of

    res = cli("summarize", "resnet18", "--convention", "thop")
    assert res.code == 0, res.err
    last = res.out.strip().splitlines()[-1]
    count, params = thop_of(model("resnet18"))
    assert last.startswith("Convention: thop (thop.profile(...)[0]): ")
    assert f"{count:,} MACs" in last and f"{params:,} params" in last


def test_compare_tools_table_has_every_tool(cli):
    res = cli("summarize", "resnet50", "--compare-tools")
    assert res.code == 0, res.err
    rows = [line.split()[0] for line in res.out.splitlines()[-7:]]
    assert rows == ["cnncalc", "torchvision", "fvcore", "thop", "ptflops", "torchinfo", "flopcounter"]


def test_csv_keeps_the_figures_as_comments(cli):
    res = cli("summarize", "resnet18", "--format", "csv", "--convention", "fvcore")
    assert res.code == 0, res.err
    assert res.out.rstrip().splitlines()[-1].startswith("# Convention: fvcore")


def test_spanish_footer(cli):
    res = cli("summarize", "resnet18", "--convention", "fvcore", "--lang", "es")
    assert res.code == 0, res.err
    assert res.out.strip().splitlines()[-1].startswith("Convención: fvcore")


def test_an_unknown_tool_is_refused_without_a_traceback(cli):
    res = cli("summarize", "resnet18", "--convention", "keras")
    assert res.code != 0 and "Traceback" not in res.err + res.out
