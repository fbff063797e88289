"""A run directory on a read-only file system: `report`, `discover` and `calibrate` say so in one
line with exit status 2, before printing any table, and change nothing."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from wargame.cli import app
from wargame.montecarlo import run_experiment

from .conftest import ROOT, SMALL, exited

runner = CliRunner()
OBSERVED = ROOT / "configs" / "observed" / "summit_2025_outcome.yaml"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    return run_experiment(SMALL, out=tmp_path_factory.mktemp("runs"), executor="serial").run_dir


@pytest.fixture
def read_only(finished, tmp_path):
    """A copy of the finished run, seen through a read-only mount (root ignores file modes, so a
    mode change would prove nothing when the tests run as root)."""
    source = tmp_path / "source"
    shutil.copytree(finished, source)
    if os.geteuid() != 0:
        for folder, _, _ in os.walk(source):
            os.chmod(folder, 0o555)
        yield source
        for folder, _, _ in os.walk(source):
            os.chmod(folder, 0o755)
        return
    view = tmp_path / "view"
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True)
    if mounted.returncode != 0:  # in CI the check must run, not skip
        why = f"cannot bind-mount here: {mounted.stderr.decode().strip()}"
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True, capture_output=True)
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def snapshot(folder):
    return sorted((p.relative_to(folder), p.stat().st_size) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "command",
    [
        ["report"],
        ["discover", "--target", "param.actors.seoul.perception_noise > 0.1"],
        ["calibrate", "--observed", str(OBSERVED)],
    ],
    ids=["report", "discover", "calibrate"],
)
def test_a_read_only_run_directory_is_one_clear_error(read_only, command):
    before = snapshot(read_only)
    result = runner.invoke(app, [command[0], str(read_only), *command[1:]])
    exited(result, 2)
    assert "cannot write results here" in result.output
    assert "Read-only file system" in result.output or "Permission denied" in result.output
    assert "Traceback" not in result.output
    assert "─" not in result.output and "━" not in result.output  # no table printed before it
    assert snapshot(read_only) == before
