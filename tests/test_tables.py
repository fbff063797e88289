"""Tables at any width (issue 21, item 5; item 9's report parts): a number is never split across
lines, headings break only between words or after "_" and ".", rows stay whole, a table too wide
for the terminal is turned rather than cut; ``--format md|csv|json`` for batch, report, compare;
compare and calibrate tables without repeated metrics; Sobol's caption true of estimates above 1."""

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from wargame.cli import app
from wargame.tables import Table, bold

from .conftest import SMALL, exited

runner = CliRunner()
WIDTHS = (80, 60, 120)
BOX = re.compile(r"[\s\u2500-\u257f]+")  # spaces and box-drawing characters separate tokens
PIECES = re.compile(r"\s+|(?<=[_.])(?=[A-Za-z])")  # a heading may break there, nowhere else


def render(table: Table, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(table.rich(width))
    return console.file.getvalue()


def tokens(text: str) -> list[str]:
    return [t for t in BOX.split(text) if t]


def plain(cell) -> str:
    return "".join(str(p) for p in cell) if isinstance(cell, tuple) else str(cell)


def assert_drawn_whole(table: Table, width: int) -> str:
    """Every line fits; no "…"; every word and number of every cell (the row labels among them)
    appears whole on one line; every heading's pieces do."""
    text = render(table, width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width, text
    assert "…" not in text, text
    drawn: dict[str, int] = {}
    for t in tokens(text):
        drawn[t] = drawn.get(t, 0) + 1
    wanted: dict[str, int] = {}
    for cells, _ in table.rows:
        for cell in cells:
            for t in tokens(plain(cell)):
                wanted[t] = wanted.get(t, 0) + 1
    missing = {t: n for t, n in wanted.items() if drawn.get(t, 0) < n}
    assert not missing, f"split or cut at width {width}: {missing}\n{text}"
    for name in table.columns:
        for piece in PIECES.split(name):
            assert any(piece in line for line in lines), f"heading piece {piece!r} split\n{text}"
    for cells, _ in table.rows:  # a row's label is on one line where it is one word
        label = plain(cells[0])
        if label.strip() and " " not in label.strip() and "\n" not in label:
            assert any(label in line for line in lines), f"label {label!r} not whole\n{text}"
    return text


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two small batches (seeds 1 and 2) of the tests' small experiment."""
    from wargame.montecarlo import run_experiment

    base = tmp_path_factory.mktemp("tables")
    return [run_experiment(SMALL, seed=s, executor="serial", out=base / str(s)) for s in (1, 2)]


# --------------------------------------------------------------------------- layout


def test_numbers_and_names_are_units_a_line_never_splits():
    from wargame.table_layout import units, wrap_name

    assert units("0.98-1.00") == ["0.98-1.00"]
    assert units("0.972 - 0.999") == ["0.972 - 0.999"]
    assert units("27.23 (26.0-28.0)") == ["27.23 (26.0-28.0)"]
    assert units("$4.58bn 15%") == ["$4.58bn 15%"]
    assert units("% US tariff on Korean goods") == ["%", "US", "tariff", "on", "Korean", "goods"]
    assert units("defense_spending", name=True) == ["defense_", "spending"]
    assert units("actors.seoul.salience", name=True) == ["actors.", "seoul.", "salience"]
    assert units("ST at N/4 0.5", name=True) == ["ST", "at", "N/4", "0.5"]
    assert wrap_name("defense_spending", 10) == "defense_\nspending"
    assert wrap_name("rounds to a deal (mean)", 16) == "rounds to a deal\n(mean)"


def history_like() -> Table:
    """The classroom's "So far" table: many snake_case headings over short numbers."""
    issues = ["defense_spending", "usfk_contribution", "troop_level", "flexibility_statement", "tariff"]
    table = Table("So far", ["round", "proposer", *issues, "answers", "events"], "rl" + "r" * 5 + "ll")
    table.add_row("0", "seoul", "3.3", "3", "28.5", "1", "10", "washington no", "tokyo_coordination")
    table.add_row("1", "washington", "3.8", "5", "27", "3", "15", "seoul no", "-")
    return table


def test_layout_is_wide_when_it_fits_and_turned_when_it_does_not():
    table = history_like()
    wide = table.layout(200)
    assert (wide.mode, wide.form) == ("wide", "rows")
    assert wide.widths == (5, 10, 16, 17, 11, 21, 6, 13, 18)  # as wide as their longest line
    narrow = table.layout(80)
    assert narrow.mode == "narrow" and narrow.form == "transposed" and not narrow.folded
    assert sum(narrow.widths) + 3 * (len(narrow.widths) - 1) <= 80
    records = table.layout(34)
    assert (records.mode, records.form, records.folded) == ("narrow", "records", False)
    assert table.layout(30).folded  # "contribution" and "tokyo_coordination" need 33: the last resort
    for width in (200, 80, 34):
        text = assert_drawn_whole(table, width)
        for line in text.splitlines():  # not the four-letter pieces of issue 21 ("defe", "nse_")
            assert "defe" not in line or "defense_" in line
            assert "spen" not in line or "spending" in line


def test_headings_break_only_between_words_or_after_an_underscore():
    table = Table("t", ["actor", "defense_spending", "no deal"])
    table.add_row("seoul", "3.30", "2.60")
    table.add_row("washington", "28.50", "27.00")
    layout = table.layout(40)
    assert layout.mode == "wide" and layout.widths[1] < len("defense_spending")
    text = assert_drawn_whole(table, 40)
    assert "defense_" in text and "spending" in text and "defense_spending" not in text


def test_a_number_is_never_folded_even_in_a_tight_table():
    """The shapes of issue 21: '0.98-1. / 00', '(26.0-2 / 8.0)', '28.5 / 0', '100. / 00'."""
    table = Table("t", ["issue", "interval", "range", "mean", "p95", "share"])
    table.add_row("troop_level", "0.98-1.00", "(26.0-28.0)", "28.50", "100.00", "0.09488")
    table.add_row(bold("energy_purchases"), "0.972 - 0.999", "$4.58bn", "15%", "-0.67", "+0.248")
    for width in (30, 40, 60, 80, 120):
        assert_drawn_whole(table, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_summary_tables_of_a_batch_fit_whole(runs, width):
    from wargame.report_summary import summary_tables

    tables = summary_tables(runs[0].summary())
    for table in tables:
        assert_drawn_whole(table, width)
    forms = {t.title: t.layout(width).form for t in tables}
    if width == 120:
        assert forms["Outcome per issue"] == "rows"
    else:  # eleven columns do not fit 80 characters without splitting numbers: turned
        assert forms["Outcome per issue"] == "transposed"


@pytest.mark.parametrize("width", WIDTHS)
def test_episode_tables_of_the_package_fit_whole(package, width):
    from wargame.model import NegotiationModel
    from wargame.report_episode import episode_tables

    episode = NegotiationModel(package, seed=3).run()
    for table in episode_tables(episode, package):
        assert_drawn_whole(table, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_compare_table_fits_whole(runs, width):
    from wargame.comparison import compare
    from wargame.report_compare import compare_table

    table = compare_table(compare(runs[0].episodes, runs[1].episodes), "small, 1", "small, 2")
    text = assert_drawn_whole(table, width)
    assert "movement.defense_spending" in text and "-0." in text
    if width >= 80:  # a line per metric, not a block of six lines each
        assert table.layout(width).mode == "wide"


def test_the_debrief_in_the_terminal_keeps_issue_names_whole(package):
    """rich's own markdown tables cut "defense_spending" to "defense_s…"; terminal_markdown lays
    them out as Table.rich does."""
    from rich.console import Console

    from wargame.tables import terminal_markdown

    table = Table("", ["issue", "unit", "status quo", "no deal", "Nash point", "outcome", "agents' median"])
    for name, issue in package.issues.items():
        table.add_row(name, issue.unit, "2.6", "2.6", "3.7", bold("28.5"), "130")
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(terminal_markdown("# Debrief\n\n" + table.markdown(level=0)))
    text = console.file.getvalue()
    assert "…" not in text
    for name in package.issues:
        assert name in text


# --------------------------------------------------------------------------- --format


def test_batch_report_compare_write_md_csv_json(tmp_path):
    batch = ["batch", str(SMALL), "--executor", "serial", "--runs", "10"]
    first = runner.invoke(app, [*batch, "--out", str(tmp_path / "a"), "--format", "json"])
    exited(first, 0)
    tables = json.loads(first.stdout)  # standard output: the document alone
    assert [t["title"] for t in tables][:2] == ["small: 10 episodes", "Outcome per issue"]
    assert set(tables[0]) == {"title", "columns", "rows", "caption"}
    assert tables[0]["columns"][0] == "deal rate" and len(tables[0]["rows"]) == 1
    assert "Run directory:" in first.stderr and "Run directory:" not in first.stdout
    run_a = next((tmp_path / "a" / "small").iterdir())
    exited(runner.invoke(app, [*batch, "--seed", "3", "--out", str(tmp_path / "b")]), 0)
    run_b = next((tmp_path / "b" / "small").iterdir())

    report = runner.invoke(app, ["report", str(run_a), "--format", "csv"])
    exited(report, 0)
    assert "wrote " in report.stderr and "wrote " not in report.stdout
    blocks = report.stdout.strip().split("\n\n")
    assert blocks[0].startswith("# small: 10 episodes\n")
    titles = [b.splitlines()[0] for b in blocks]
    assert "# Outcome per issue" in titles
    issues = blocks[titles.index("# Outcome per issue")]
    rows = list(csv.reader(line for line in issues.splitlines() if not line.startswith("#")))
    assert rows[0][:3] == ["issue", "unit", "status quo"] and len(rows) == 4  # three issues
    assert {r[0] for r in rows[1:]} == {"defense_spending", "troop_level", "tariff"}

    md = runner.invoke(app, ["report", str(run_a), "--format", "md"])
    exited(md, 0)
    assert "## Outcome per issue" in md.stdout and "| issue | unit |" in md.stdout
    assert "┃" not in md.stdout

    shown = runner.invoke(app, ["compare", str(run_a), str(run_b), "--format", "json"])
    exited(shown, 0)
    differences, compared = json.loads(shown.stdout)
    assert "differ only in their seed" in differences["title"]
    assert compared["columns"] == ["metric", "A", "B", "B - A", "95% interval", "beyond noise"]
    assert compared["rows"][0][0] == "deal rate"
    table = runner.invoke(app, ["compare", str(run_a), str(run_b), "--format", "csv"])
    exited(table, 0)
    block = table.stdout.split("\n\n")[1].splitlines()
    assert block[0].startswith("# B (small, alternating_offers) against A") and block[1].startswith("# 95%")
    header, *rows = csv.reader(line for line in block if not line.startswith("#"))
    assert header[0] == "metric" and rows[0][0] == "deal rate" and "outcome.tariff" in [r[0] for r in rows]


def test_an_unknown_format_is_refused_before_any_work(tmp_path):
    for args in (
        ["batch", str(SMALL), "--out", str(tmp_path), "--format", "xml"],
        ["report", str(tmp_path), "--format", "xml"],
        ["compare", str(tmp_path), str(tmp_path), "--format", "xml"],
    ):
        result = runner.invoke(app, args)
        exited(result, 2)
        assert "--format" in result.output and "unknown format 'xml' (known: table, md, csv, json)" in (
            " ".join(result.output.split())
        )
    assert not list(tmp_path.iterdir())  # no batch was run


def test_a_csv_row_that_starts_with_a_hash_is_not_a_comment():
    from wargame.tables import document

    table = Table("Sensitivity", ["#", "parameter", "ST"], caption="ST: an estimate")
    table.add_row("1", "actors.seoul.no_deal_cost", "0.5")
    text = document([table, table], "csv")
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    lines = blocks[0].splitlines()
    assert lines[:2] == ["# Sensitivity", "# ST: an estimate"]
    assert next(csv.reader([lines[2]])) == ["#", "parameter", "ST"] and lines[2].startswith('"#"')
    assert json.loads(document([table], "json"))[0]["rows"] == [["1", "actors.seoul.no_deal_cost", "0.5"]]


# ------------------------------------------------------------------ item 9: compare, calibrate, Sobol


def test_compare_counts_its_metrics_and_does_not_repeat_identical_ones(runs):
    from wargame.comparison import compare
    from wargame.report_compare import compare_table

    frame = compare(runs[0].episodes, runs[1].episodes)
    assert (frame.set_index("metric").loc["forecast.tariff", "same_as"]) == "outcome.tariff"
    table = compare_table(frame, "A", "B")
    metrics = [plain(cells[0]) for cells, _ in table.rows]
    assert not any(m.startswith("forecast.") for m in metrics)
    assert "outcome.tariff" in metrics
    assert "~20" not in table.caption
    assert f"testing {len(metrics)} metrics" in table.caption
    assert "forecast.* equals outcome.* (3 metrics)" in table.caption


def test_compare_keeps_a_metric_that_differs_in_one_run():
    from wargame.comparison import compare

    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    a = pd.DataFrame({"deal": True, "deal_round": 2, "outcome.t": x, "forecast.t": x, "nash_distance": 0.1})
    b = a.copy()
    b["forecast.t"] = x + 1  # another protocol: the forecast is not the outcome
    assert set(compare(a, b)["same_as"]) == {""}
    assert compare(a, a).set_index("metric").loc["forecast.t", "same_as"] == "outcome.t"


def test_calibration_tables_do_not_repeat_identical_columns(tmp_path):
    from wargame.calibration import Calibration
    from wargame.report_analysis import calibration_tables

    rng = np.random.default_rng(1)
    u, o = rng.random(30), rng.random(30)
    posterior = pd.DataFrame(
        {"weight": 1.0, "utility.tokyo": u, "discounted.tokyo": u, "outcome.tariff": o, "forecast.tariff": o}
    )

    def row(column, values, observed=np.nan):
        q = np.percentile(values, [5, 50, 95])
        return {
            "column": column,
            "observed": observed,
            "prior_mean": values.mean(),
            "prior_p5": q[0],
            "prior_p95": q[2],
            "post_mean": values.mean(),
            "post_p5": q[0],
            "post_p50": q[1],
            "post_p95": q[2],
        }

    names = ("outcome.tariff", "forecast.tariff", "utility.tokyo", "discounted.tokyo")
    predictive = pd.DataFrame(
        [
            row(c, v, 0.5 if c == "outcome.tariff" else np.nan)
            for c, v in zip(names, (o, o, u, u), strict=True)
        ]
    )
    params = pd.DataFrame(
        [{"parameter": "x", "prior_p5": 0, "prior_p95": 1, "post_p5": 0.2, "post_p50": 0.5, "post_p95": 0.8}]
    )
    result = Calibration(tmp_path, posterior, params, predictive, accepted=30, simulated=100, ess=30.0)
    _, pred = calibration_tables(result)
    columns = [plain(cells[0]) for cells, _ in pred.rows]
    # forecast.tariff stays: outcome.tariff was observed, it was not
    assert columns == ["outcome.tariff", "forecast.tariff", "utility.tokyo"]
    assert "discounted.tokyo equals utility.tokyo" in pred.caption and "not repeated" in pred.caption


def test_sobol_caption_calls_st_an_estimate_and_marks_values_above_one():
    from wargame.report_analysis import sensitivity_tables

    indices = pd.DataFrame(
        {
            "output": "deal",
            "parameter": ["actors.seoul.no_deal_cost", "actors.washington.e"],
            "rank": [1, 2],
            "ST": [1.073, 0.2],
            "ST_conf": [0.3, 0.1],
            "S1": [0.6, 0.1],
            "S1_conf": [0.2, 0.05],
            "ST_quarter": [1.2, 0.3],
            "ST_half": [1.1, 0.25],
        }
    )
    (table,) = sensitivity_tables(indices, "sobol")
    assert table.rows[0][0][2] == "1.073†" and table.rows[0][0][6] == "1.200†"
    assert table.rows[1][0][2] == "0.200"
    assert "estimate of the share" in table.caption and "sampling error" in table.caption
    assert "†: an estimate above 1" in table.caption
    assert "ST: share of the output's variance the parameter takes part in" not in table.caption
    (plainer,) = sensitivity_tables(indices.assign(ST=[0.9, 0.2], ST_quarter=0.5, ST_half=0.5), "sobol")
    assert "†" not in plainer.caption
