"""Plots: what a figure draws (its data and layout), computed by small pure functions, and that the
files are written; issue 21, item 6 (c): outcomes.png was seven panels in one 3246 px row, option
issues drawn as histograms with fractional ticks, legends over the bars."""

import struct

import numpy as np
import pandas as pd
import pytest

from wargame import plots
from wargame.errors import WargameError


def png_size(path) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header (the IHDR chunk)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _episodes(scenario, n: int = 120) -> pd.DataFrame:
    """Outcomes on each issue's admissible values (its options, or its grid)."""
    rng = np.random.default_rng(0)
    columns = {}
    for name, issue in scenario.issues.items():
        values = issue.values or list(np.arange(issue.lo, issue.hi + issue.step / 2, issue.step))
        columns[f"outcome.{name}"] = rng.choice(values, n)
        columns[f"nash.{name}"] = rng.choice(values, n)
    return pd.DataFrame(columns)


@pytest.mark.parametrize(
    ("n", "shape"), [(1, (1, 1)), (3, (1, 3)), (4, (2, 2)), (5, (2, 3)), (7, (3, 3)), (10, (4, 3))]
)
def test_panels_are_laid_out_in_a_grid(n, shape):
    rows, columns = plots.grid_shape(n)
    assert (rows, columns) == shape and rows * columns >= n and columns <= 4


def test_option_issues_are_bars_of_shares_named_by_their_options(package):
    df = _episodes(package)
    panels = plots.outcome_panels(df, package)
    assert [p.issue for p in panels] == list(package.issues)
    assert len(panels) == 7 and plots.grid_shape(len(panels))[1] <= 4
    for panel in panels:
        issue = package.issues[panel.issue]
        if issue.options is not None:
            assert panel.kind == "options"
            assert panel.ticks == tuple(o.label for o in sorted(issue.options, key=lambda o: o.value))
            assert sum(panel.shares) == pytest.approx(1.0)
            shares = df[f"outcome.{panel.issue}"].value_counts(normalize=True).sort_index()
            assert panel.shares == pytest.approx(shares.tolist())
        else:
            assert panel.kind == "numeric" and panel.ticks == ()
        assert [what for what, _ in panel.marks] == ["status quo", "no deal", "Nash (median)"]
    assert {p.kind for p in panels} == {"options", "numeric"}


def test_outcomes_png_is_a_grid_not_a_banner(package, tmp_path):
    path = plots.outcome_distributions(_episodes(package), package, tmp_path)
    assert path == tmp_path / "outcomes.png" and path.stat().st_size > 0
    width, height = png_size(path)
    assert width < 2000 and height > width / 2  # three rows of three, not seven in a row


def test_plots_into_a_folder_that_cannot_be_made_are_one_clear_error(teaching, tmp_path):
    (tmp_path / "plots").write_text("a file where the plots' folder would go")  # fails even as root
    with pytest.raises(WargameError, match="cannot write results here"):
        plots.write_plots(_episodes(teaching), teaching, tmp_path)
