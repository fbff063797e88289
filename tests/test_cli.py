"""Every CLI command end to end, through Typer's runner and one real subprocess."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from wargame.cli import app

from .conftest import BAD, BILATERAL, EXPERIMENTS, ROOT, SCENARIOS, SMALL, TEACHING, exited

ANALYTIC = EXPERIMENTS / "analytic.yaml"  # a sensitivity analysis
OBSERVED = ROOT / "configs" / "observed" / "summit_2025_outcome.yaml"

runner = CliRunner()


def test_validate_ok():
    result = runner.invoke(app, ["validate", *map(str, sorted(SCENARIOS.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok") == 3


def test_validate_reports_every_bad_file_and_exits_2():
    files = [BAD / "nan_value.yaml", BILATERAL, BAD / "unknown_key.yaml"]
    result = runner.invoke(app, ["validate", *map(str, files)])
    exited(result, 2)
    text = result.output
    assert "nan_value.yaml:40: actors.seoul.no_deal_cost" in text
    assert "unknown_key.yaml:37: actors.seoul.salinece" in text
    assert "bilateral.yaml: ok" in text


def test_run_prints_transcript_and_outcome():
    result = runner.invoke(app, ["run", str(TEACHING), "--seed", "3"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for words in (
        "round by round",
        "Outcome: deal in round",
        "Nash point",
        "reservation",
        "pyongyang_provocation",
    ):
        assert words in result.output


def test_run_json_is_the_episode():
    result = runner.invoke(app, ["run", str(TEACHING), "--seed", "3", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    from wargame.model import NegotiationModel

    assert data == json.loads(json.dumps(NegotiationModel(TEACHING, seed=3).run().to_dict()))


def test_run_set_and_rounds_change_the_episode():
    base = json.loads(runner.invoke(app, ["run", str(BILATERAL), "--json"]).output)
    moved = runner.invoke(
        app, ["run", str(BILATERAL), "--json", "--rounds", "4", "--set", "actors.seoul.salience.tariff=0.9"]
    )
    assert moved.exit_code == 0, moved.output
    data = json.loads(moved.output)
    assert data["rounds_played"] <= 4
    assert data["outcome"] != base["outcome"]


def test_run_bad_path_lists_nearest():
    result = runner.invoke(app, ["run", str(TEACHING), "--set", "actors.seoul.salince.tariff=0.6"])
    exited(result, 2)
    assert "nearest valid paths: actors.seoul.salience.tariff" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["run", "TMP/missing.yaml"], "missing.yaml: file not found"),
        (["run", str(BAD / "not_yaml.yaml")], "not_yaml.yaml:2: not valid YAML"),
        (["run", str(TEACHING), "--set", "no-equals"], "--set: 'no-equals' is not PATH=VALUE"),
        (
            ["run", str(TEACHING), "--set", "actors.seoul.discount=2"],
            "actors.seoul.discount: Input should be",
        ),
        (["run", str(TEACHING), "--rounds", "0"], "Invalid value for '--rounds'"),
        (["run", "TMP"], "is a directory, not a file"),
        (["run", str(TEACHING), "--seed", "-1"], "Invalid value for '--seed'"),
        (["run", str(TEACHING), "--set", "issues.tariff.step=0.0000000001"], "use a coarser step"),
        (
            [
                "run",
                str(TEACHING),
                "--set",
                "events.tokyo_coordination.effects.0.path=actors.seoul.strategy.e",
            ],
            "'actors.seoul.strategy.e' cannot be changed by an event",
        ),
        (["run", str(TEACHING), "--set", "actors=3"], "actors: Input should be a valid dictionary"),
    ],
)
def test_run_bad_inputs_exit_2_with_the_reason(tmp_path, args, says):
    result = runner.invoke(app, [a.replace("TMP", str(tmp_path)) for a in args], env={"COLUMNS": "300"})
    exited(result, 2)
    assert says in " ".join(result.output.split()), result.output


def test_python_dash_m_and_console_script():
    proc = subprocess.run(
        [sys.executable, "-m", "wargame", "run", str(BAD / "inf_value.yaml")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "actors.seoul.capability: must be a finite number" in proc.stderr
    assert "Traceback" not in proc.stderr
    script = shutil.which("wargame")
    assert script, "the console script is installed with the package"
    proc = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "wargame 0.1.0" in proc.stdout


def test_validate_accepts_experiments_and_reports_their_errors():
    bad = SMALL.parent / "bad_sd.yaml"
    result = runner.invoke(app, ["validate", str(SMALL), str(bad)])
    exited(result, 2)
    assert "small.yaml: ok" in result.output
    assert "bad_sd.yaml:16: uncertain.events.pyongyang_provocation.trigger.base.sd" in result.output


def test_batch_report_compare_end_to_end(tmp_path):
    a = runner.invoke(
        app,
        ["batch", str(SMALL), "--executor", "serial", "--out", str(tmp_path), "--trace"],
        env={"COLUMNS": "160"},
    )
    exited(a, 0)
    for words in (
        "deal rate",
        "95% interval",
        "Outcome per issue",
        "at no-deal",
        "Utility and gain per actor",
        "Events",
        "Run directory",
    ):
        assert words in a.output
    (run_a,) = (tmp_path / "small").iterdir()
    assert (run_a / "rounds.parquet").exists()
    b = runner.invoke(
        app,
        [
            "batch",
            str(SMALL),
            "--executor",
            "serial",
            "--out",
            str(tmp_path / "b"),
            "--set",
            "actors.seoul.salience.troop_level=0.05",
            "--runs",
            "30",
        ],
    )
    exited(b, 0)
    (run_b,) = (tmp_path / "b" / "small").iterdir()

    report = runner.invoke(app, ["report", str(run_a)], env={"COLUMNS": "160"})
    exited(report, 0)
    assert "Outcome per issue" in report.output
    plots = sorted(p.name for p in (run_a / "plots").iterdir())
    assert plots == ["deal_rate_by_round.png", "gains.png", "outcomes.png"]
    assert all((run_a / "plots" / p).stat().st_size > 5000 for p in plots)

    compare = runner.invoke(app, ["compare", str(run_a), str(run_b)], env={"COLUMNS": "160"})
    exited(compare, 0)
    assert "deal rate" in compare.output and "outcome.troop_level" in compare.output
    # Seoul caring far less about troops moves the troop outcome beyond the noise
    line = next(ln for ln in compare.output.splitlines() if "outcome.troop_level" in ln)
    assert "yes" in line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["batch", "TMP/missing.yaml"], "missing.yaml: file not found"),
        (["batch", str(SMALL), "--runs", "0"], "--runs: Input should be greater than or equal to 1"),
        (["batch", str(SMALL), "--executor", "threads"], "unknown executor 'threads'"),
        (["batch", str(SMALL), "--out", "TMP/file/sub"], "--out: cannot create a run directory there"),
        (["batch", str(SMALL), "--resume", "TMP/nowhere"], "nowhere: no such run directory"),
        (["batch", str(SMALL.parent / "unknown_path.yaml")], "unknown parameter path"),
        (["report", "TMP"], "config.yaml is missing: is this a run directory?"),
        (["compare", "TMP", "TMP"], "config.yaml is missing: is this a run directory?"),
    ],
)
def test_batch_bad_inputs_exit_2_with_the_reason(tmp_path, args, says):
    (tmp_path / "file").write_text("x")  # a file where --out wants a folder
    result = runner.invoke(app, [a.replace("TMP", str(tmp_path)) for a in args], env={"COLUMNS": "300"})
    exited(result, 2)
    assert says in " ".join(result.output.split()), result.output


def test_ctrl_c_while_the_command_starts_is_quiet():
    """An interrupt while ``wargame`` is still importing ends with status 130 and no traceback."""
    code = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "wargame.cli":
            raise KeyboardInterrupt

sys.meta_path.insert(0, Interrupt())
sys.argv = ["wargame", "--help"]
from wargame.__main__ import main
main()
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "interrupted\n"


def test_ctrl_c_during_a_command_is_quiet(monkeypatch):
    from wargame.model import NegotiationModel

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(NegotiationModel, "run", interrupted)
    result = runner.invoke(app, ["run", str(TEACHING)])
    exited(result, 130)
    assert "interrupted" in result.output


# -- regressions (issue 12) ---------------------------------------------------------------------


def test_set_reads_numbers_as_a_scenario_file_does():
    path = "actors.seoul.salience.tariff"
    result = runner.invoke(app, ["run", str(BILATERAL), "--json", "--set", f"{path}=1e-15"])
    exited(result, 2)  # read as the number 1e-15, which is too close to 0 to mean anything
    assert "must be 0 or between 1e-12 and 1e12 in size (got 1e-15)" in result.output
    for value in ("1e-9", "5E-1", "2.5e-1", "1e3"):
        ok = runner.invoke(app, ["run", str(BILATERAL), "--json", "--set", f"{path}={value}"])
        exited(ok, 0)
        assert json.loads(ok.output)["scenario"] == "bilateral"


def test_set_refuses_a_repeated_path_and_an_empty_value():
    twice = runner.invoke(app, ["run", str(BILATERAL), "--set", "rounds=3", "--set", "rounds=5"])
    exited(twice, 2)
    assert "--set: rounds: given twice" in twice.output
    empty = runner.invoke(app, ["run", str(BILATERAL), "--set", "name="])
    exited(empty, 2)
    assert "'name=' gives name no value" in empty.output


def test_json_output_is_always_valid_json(tmp_path):
    """No NaN or Infinity, which strict JSON parsers refuse: a value JSON cannot say is null."""
    import math

    result = runner.invoke(app, ["run", str(TEACHING), "--json"])
    exited(result, 0)

    def strict(text):
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON output"))

    strict(result.output)
    from wargame.tables import to_json

    assert strict(to_json({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": np.float64(2)})) == {
        "a": None,
        "b": [None, None, 1.5],
        "c": 2.0,
    }
    big = tmp_path / "big.csv"
    big.write_text("actor,capability,position,salience\nA,1e308,0,50\nB,1,10,50\n")
    refused = runner.invoke(app, ["forecast", str(big), "--format", "json"])
    exited(refused, 2)
    assert "A.capability" in refused.output


def test_report_shows_a_sensitivity_or_sweep_run_as_itself(tmp_path):
    from .conftest import EXPERIMENTS

    analytic = EXPERIMENTS / "analytic.yaml"
    sens = ["sensitivity", str(analytic), "--method", "oat", "--samples", "2", "--executor", "serial"]
    exited(runner.invoke(app, [*sens, "--out", str(tmp_path)]), 0)
    (run,) = (tmp_path / "analytic").iterdir()
    shown = runner.invoke(app, ["report", str(run)], env={"COLUMNS": "160"})
    exited(shown, 0)
    assert "utility.seoul: oat sensitivity" in shown.output and "deal rate" not in shown.output
    assert (run / "plots" / "tornado_utility_seoul.png").exists()
    sweep = ["sweep", str(BILATERAL), "--param", "actors.seoul.no_deal_cost", "--values", "0,0.1"]
    exited(runner.invoke(app, [*sweep, "--runs", "2", "--executor", "serial", "--out", str(tmp_path)]), 0)
    (run,) = (tmp_path / "sweep_bilateral").iterdir()
    shown = runner.invoke(app, ["report", str(run)], env={"COLUMNS": "160"})
    exited(shown, 0)
    assert "sweeping actors.seoul.no_deal_cost" in shown.output and "Outcome per issue" not in shown.output


def test_compare_says_how_the_configurations_differ(tmp_path):
    batch = ["batch", str(SMALL), "--executor", "serial", "--runs", "10"]
    for name, extra in (("a", []), ("b", []), ("c", ["--seed", "9"]), ("d", ["--set", "rounds=6"])):
        exited(runner.invoke(app, [*batch, *extra, "--out", str(tmp_path / name)]), 0)
    run = {n: next((tmp_path / n / "small").iterdir()) for n in "abcd"}

    def compare(x, y):
        result = runner.invoke(app, ["compare", str(run[x]), str(run[y])], env={"COLUMNS": "200"})
        exited(result, 0)
        return " ".join(result.output.split())

    assert "the same configuration, seed included: they are the same episodes" in compare("a", "b")
    assert "differ only in their seed: any difference below is sampling noise" in compare("a", "c")
    text = compare("a", "d")
    assert (
        "configurations differ in" in text and "experiment.set.rounds" in text and "scenario.rounds" in text
    )


def test_tables_fit_an_80_column_terminal_and_cut_no_name():
    """Wide tables wrap their cells between words instead of cutting actor names and paths."""
    # seed 5: a run in which both stakeholders act, so their names are in the tables
    result = runner.invoke(app, ["run", str(TEACHING), "--seed", "5"], env={"COLUMNS": "80"})
    exited(result, 0)
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output and "..." not in result.output
    for name in ("washington", "pyongyang_provocation", "beijing_coercion"):
        assert name in result.output


# --------------------------------------------------------------------------- the run flags

# every command that plays episodes, with what it needs besides the run flags, and the function
# it hands its RunOptions to (which a test replaces, to catch them)
EPISODE_COMMANDS = {
    "batch": ([str(SMALL)], "wargame.montecarlo.run_experiment"),
    "sensitivity": ([str(ANALYTIC)], "wargame.sensitivity.run_sensitivity"),
    "sweep": (
        [str(BILATERAL), "--param", "actors.seoul.no_deal_cost", "--values", "0,0.1"],
        "wargame.sweep.run_sweep",
    ),
    "calibrate": ([str(SMALL), "--observed", str(OBSERVED)], "wargame.montecarlo.run_experiment"),
}
RUN_FLAGS = {"--workers", "--executor", "--scheduler", "--out"}


def _flags(command):
    """A command's options: name -> (help, default)."""
    from typer.main import get_command

    return {p.opts[0]: (p.help, p.default) for p in get_command(app).commands[command].params if p.opts}


def test_every_command_that_runs_episodes_has_the_same_run_flags():
    from typer.main import get_command

    runs_episodes = {name for name in get_command(app).commands if "--executor" in _flags(name)}
    assert runs_episodes == set(EPISODE_COMMANDS)
    flags = [{k: v for k, v in _flags(name).items() if k in RUN_FLAGS} for name in sorted(runs_episodes)]
    assert set(flags[0]) == RUN_FLAGS
    assert all(f == flags[0] for f in flags), flags  # the same names, help and defaults


@pytest.mark.parametrize("command", [*sorted(EPISODE_COMMANDS), "sweep --resume"])
def test_every_command_that_runs_episodes_hands_down_one_run_options(command, tmp_path, monkeypatch):
    from wargame.errors import Problem, WargameError
    from wargame.run_options import RunOptions

    if command == "sweep --resume":
        args, target = ["sweep", "--resume", str(tmp_path)], "wargame.sweep.resume_sweep"
    else:
        args, target = [command, *EPISODE_COMMANDS[command][0]], EPISODE_COMMANDS[command][1]
    seen = []

    def caught(*args, **kwargs):
        seen.extend(a for a in (*args, *kwargs.values()) if isinstance(a, RunOptions))
        raise WargameError(Problem("caught", "", "the options reached the runner"))

    monkeypatch.setattr(target, caught)
    flags = ["--workers", "3", "--executor", "serial", "--scheduler", "tcp://h:1", "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, *flags])
    exited(result, 2)
    assert "the options reached the runner" in result.output
    (options,) = seen
    assert callable(options.progress)  # the progress bar's, given by the command
    assert options.but(progress=None) == RunOptions(
        executor="serial", workers=3, scheduler="tcp://h:1", out=tmp_path, command=sys.argv
    )


@pytest.mark.parametrize("command", sorted(EPISODE_COMMANDS))
@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--executor", "threads"], "--executor: unknown executor 'threads' (known: serial, process, dask)"),
        (["--workers", "0"], "--workers: must be at least 1 (got 0)"),
        (["--executor", "threads", "--scheduler", "tcp://h:1"], "unknown executor 'threads'"),
    ],
    ids=["executor", "workers", "executor-with-scheduler"],
)
def test_bad_run_flags_exit_2_with_the_reason_and_no_run_directory(command, flags, says, tmp_path):
    args, _ = EPISODE_COMMANDS[command]
    result = runner.invoke(app, [command, *args, *flags, "--out", str(tmp_path)], env={"COLUMNS": "300"})
    exited(result, 2)
    assert says in " ".join(result.output.split()), result.output
    assert not any(tmp_path.iterdir())  # refused before a run directory was made


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["sweep", "--resume", "TMP", str(BILATERAL)],
            "a resumed sweep takes everything from its run directory",
        ),
        (["sweep", str(BILATERAL), "--param", "actors.seoul.no_deal_cost"], "missing --values"),
        (
            ["calibrate", "TMP", "--observed", str(OBSERVED), "--runs", "5"],
            "a run directory is reused as it is",
        ),
    ],
    ids=["sweep-resume-and-scenario", "sweep-without-values", "calibrate-run-dir-with-runs"],
)
def test_run_flags_that_do_not_go_together_exit_2_with_the_reason(args, says, tmp_path):
    result = runner.invoke(app, [a.replace("TMP", str(tmp_path)) for a in args], env={"COLUMNS": "300"})
    exited(result, 2)
    assert says in " ".join(result.output.split()), result.output
