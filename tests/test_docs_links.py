"""The README and docs/ point only at things that exist: every relative link, and every file path
they name in the repository (a scenario, a test, a module), so a rename or a deletion cannot leave
a reader following a dead end."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "runs" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
# a path into the repository's own folders, ending in a file type the docs name
PATH = re.compile(
    r"(?<![\w/.<-])((?:configs|docs|tests|wargame|agents)/[\w./-]*\.(?:py|yaml|md|csv|png|json|js))"
)


def _name(doc):
    return str(doc.relative_to(ROOT))


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_relative_link_leads_somewhere(doc):
    dead = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address, or a heading in the same page
        if not (doc.parent / target.split("#", 1)[0]).exists():
            dead.append(target)
    assert not dead, f"{_name(doc)} links to what does not exist: {dead}"


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_file_path_named_exists(doc):
    missing = sorted({p for p in PATH.findall(doc.read_text(encoding="utf-8")) if not (ROOT / p).exists()})
    assert not missing, f"{_name(doc)} names files that do not exist: {missing}"


def test_the_readme_is_read_in_ten_minutes_and_shows_the_two_commands_first():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    first_screen = "\n".join(lines[:40])
    assert (
        "python3 -m pip install -e . && wargame batch configs/experiments/summit_2025_mc.yaml" in first_screen
    )
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in first_screen


def test_ci_runs_the_readmes_test_command_verbatim():
    command = "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
