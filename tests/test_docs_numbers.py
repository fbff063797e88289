"""Numbers the README and docs/ state that the code can compute: each one is computed here and
compared, so a change to a design or an experiment cannot leave the docs saying something else."""

from __future__ import annotations

import re

import pytest

from wargame.sensitivity import sensitivity_plan

from .conftest import ROOT, SHIPPED_EXPERIMENTS

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BASELINE_SENSITIVITY = SHIPPED_EXPERIMENTS / "summit_2025_sensitivity.yaml"


def stated(pattern: str) -> list[int]:
    """Every number the docs give where ``pattern`` (with one group for the number) matches,
    across line breaks."""
    text = " ".join(" ".join(doc.read_text(encoding="utf-8").split()) for doc in DOCS)
    return [int(m.replace(",", "")) for m in re.findall(pattern, text)]


@pytest.mark.parametrize(
    ("samples", "pattern"),
    [
        (None, r"default sensitivity analysis \(`summit_2025_sensitivity.yaml`\) \| ([\d,]+)"),
        (256, r"`--samples 256`(?::| \|) (\d{1,3}(?:,\d{3})+) "),  # an episode count, not seconds
    ],
    ids=["default", "samples-256"],
)
def test_the_docs_give_the_sensitivity_designs_episode_counts(samples, pattern):
    runs = sensitivity_plan(BASELINE_SENSITIVITY, samples=samples).experiment.runs
    numbers = stated(pattern)
    assert numbers, f"the docs no longer state this count ({pattern})"
    assert set(numbers) == {runs}, f"the docs say {numbers}, the design has {runs:,} episodes"


def test_the_docs_give_the_quick_starts_episode_count():
    from wargame.experiment import load_experiment

    runs = load_experiment(SHIPPED_EXPERIMENTS / "summit_2025_mc.yaml").experiment.runs
    assert set(stated(r"quick start's ([\d,]+) episodes")) == {runs}
