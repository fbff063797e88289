"""Classroom: role cards, scripted and keyboard games, transcripts and debriefs."""

import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from wargame import classroom
from wargame.cli import app
from wargame.errors import WargameError
from wargame.model import NegotiationModel
from wargame.parameters import payoffs_of

from .conftest import BILATERAL, PACKAGE, TEACHING, exited
from .processes import wait_for

runner = CliRunner()
FAST = ["--reference-runs", "20", "--workers", "1"]


# Seoul's moves in a short scripted game of the teaching scenario: offer, reject, offer, accept
SEOUL_GAME = [
    {"propose": {"defense_spending": 3.2, "troop_level": 28.5, "tariff": 5}},
    "reject",
    {"propose": {"defense_spending": 3.5, "troop_level": 28.0, "tariff": 10}},
    "accept",
]


def _moves(tmp_path, data, name="moves.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _game(tmp_path):
    (folder,) = [p for p in (tmp_path / "classroom").iterdir() if p.name != "reference"]
    return folder, yaml.safe_load((folder / "transcript.yaml").read_text())


# -- role cards ---------------------------------------------------------------------------------


def test_brief_for_seoul_in_plain_words(teaching):
    text = classroom.brief(teaching, "seoul")
    assert text.startswith("ROLE CARD: SEOUL")
    assert "Washington, 25 August 2025" in text  # the public situation
    assert "You are President Lee's delegation" in text  # the private briefing
    assert "Troop repositioning: you want 28.5 thousand US troops in Korea" in text
    assert "It matters most to you (45% of what you care about)" in text
    assert "less 0.1 that a failure itself costs you" in text  # its own no-deal cost
    assert "Accept nothing worth less than 0.42 to you" in text
    assert "Beijing is outside the room" in text  # the others: who they are and where they sit
    assert "Washington (President Donald Trump) sits at the table" in text
    md = classroom.brief(teaching, "seoul", "md")
    assert md.startswith("# Role card: Seoul") and "## Your bottom line" in md


def test_brief_for_a_stakeholder_lists_what_it_can_do(teaching):
    text = classroom.brief(teaching, "beijing")
    assert "You do not sit at the table" in text
    assert "beijing_coercion (at most 1x)" in text


def test_brief_command_and_bad_input():
    result = runner.invoke(app, ["brief", str(TEACHING), "--as", "washington", "--format", "md"])
    exited(result, 0)
    assert "# Role card: Washington" in result.output
    assert "Seoul (President Lee Jae-myung) sits at the table" in result.output
    exited(runner.invoke(app, ["brief", str(TEACHING), "--as", "moscow"]), 2)
    exited(runner.invoke(app, ["brief", str(TEACHING), "--as", "seoul", "--format", "pdf"]), 2)


# -- scripted games -----------------------------------------------------------------------------


def test_a_scripted_game_as_seoul_to_a_debrief(tmp_path):
    moves = _moves(tmp_path, {"seoul": SEOUL_GAME})
    result = runner.invoke(
        app, ["play", str(TEACHING), "--as", "seoul", "--moves", str(moves), "--out", str(tmp_path), *FAST]
    )
    exited(result, 0)
    assert "Debrief: summit_2025, played as seoul" in result.output
    folder, t = _game(tmp_path)
    assert folder.name.endswith("-seoul")
    assert {p.name for p in folder.iterdir()} == {"transcript.yaml", "transcript.md", "debrief.md"}
    assert t["status"] == "complete" and t["humans"] == ["seoul"]
    assert next(d for d in t["decisions"] if "propose" in d)["propose"]["tariff"] == 5
    # the classroom injects fired and were announced: Lee meets Ishiba in round 0
    assert {"round": 0, "event": "tokyo_coordination", "cause": "inject"}.items() <= t["events"][0].items()
    assert any("Ulchi Freedom Shield" in a["text"] for a in t["announcements"])
    player = t["debrief"]["players"]["seoul"]
    # the percentile, from its definition: the share of reference runs whose outcome is worth less
    # to Seoul than the game's, ties counted half, all scored with the payoffs at the start
    from wargame.classroom.game import classroom_scenario
    from wargame.results import load_run

    reference = load_run(t["debrief"]["reference"]["run_dir"]).episodes
    start = payoffs_of(classroom_scenario(_load(), ["seoul"]))
    seoul = start.index("seoul")
    issues = list(t["episode"]["outcome"])
    simulated = start.utilities(reference[[f"outcome.{i}" for i in issues]].to_numpy())[seoul]
    simulated = simulated - start.no_deal_cost[seoul] * ~reference["deal"].to_numpy()
    played = start.utilities(np.array([[t["episode"]["outcome"][i] for i in issues]]))[seoul, 0]
    assert t["episode"]["deal"] and player["score"] == pytest.approx(played)
    below, ties = np.sum(simulated < played - 1e-12), np.sum(np.abs(simulated - played) <= 1e-12)
    assert player["percentile"] == pytest.approx(100 * (below + ties / 2) / len(simulated))
    assert player["opening_utility"] == pytest.approx(player["utility"] + player["conceded"])
    assert t["debrief"]["reference"]["runs"] == 20
    again = runner.invoke(app, ["debrief", str(folder)], env={"COLUMNS": "200"})
    exited(again, 0)  # the saved debrief, rendered (not raw markdown)
    shown = " ".join(again.output.split())
    assert "Debrief: summit_2025, played as seoul" in shown and "# Debrief" not in shown
    assert f"better than {player['percentile']:.0f}% of 20 runs" in shown


def test_hot_seat_game_of_two_humans(tmp_path):
    moves = _moves(
        tmp_path,
        {
            "seoul": [{"propose": {"defense_spending": 3.0, "troop_level": 28.5, "tariff": 5}}, "accept"],
            "washington": [
                "reject",
                {"propose": {"defense_spending": 3.6, "troop_level": 27.0, "tariff": 12}},
            ],
        },
    )
    result = classroom.play(
        _load(),
        ["seoul", "washington"],
        moves=moves,
        out=tmp_path,
        reference_runs=20,
        workers=1,
    )
    t = result.transcript
    assert result.status == "complete" and t["episode"]["deal"] and t["episode"]["deal_round"] == 1
    assert t["episode"]["outcome"] == {"defense_spending": 3.6, "troop_level": 27.0, "tariff": 12.0}
    assert [(d["round"], d["actor"]) for d in t["decisions"]] == [
        (0, "seoul"),
        (0, "washington"),
        (1, "washington"),
        (1, "seoul"),
    ]
    assert set(t["debrief"]["players"]) == {"seoul", "washington"}
    assert result.folder.name.endswith("-seoul+washington")


def _load():
    from wargame.scenario import load_scenario

    return load_scenario(TEACHING)


def test_a_human_stakeholder_chooses_its_events(tmp_path):
    moves = _moves(tmp_path, {"beijing": ["pass", {"trigger": "beijing_coercion"}, "pass"]})
    result = classroom.play(_load(), ["beijing"], moves=moves, out=tmp_path, reference_runs=20, workers=1)
    t = result.transcript
    mine = [e for e in t["events"] if e["actor"] == "beijing"]
    assert [(e["round"], e["cause"]) for e in mine] == [(1, "player")]  # only when it chose, never by chance
    # after its one coercion Beijing has nothing left to fire: it is not asked again
    assert [d["round"] for d in t["decisions"] if d["actor"] == "beijing"] == [0, 1]
    assert result.status == "complete"
    assert t["debrief"]["players"]["beijing"]["events_triggered"] == ["beijing_coercion"]


def test_moves_running_out_exits_2_naming_the_file_and_decision_and_keeps_the_game(tmp_path):
    """Issue 21, item 9b: a moves file that stops before the game ends is a mistake to fix, not a
    game played to its end: exit 2, the file and the decision without a move named, and the game
    so far saved (nothing lost)."""
    moves = _moves(
        tmp_path, {"seoul": [{"propose": {"defense_spending": 2.6, "troop_level": 28.5, "tariff": 0}}]}
    )
    result = runner.invoke(
        app,
        ["play", str(TEACHING), "--as", "seoul", "--moves", str(moves), "--out", str(tmp_path), *FAST],
        env={"COLUMNS": "300"},
    )
    exited(result, 2)
    folder, t = _game(tmp_path)
    shown = " ".join(result.output.split())
    assert f"{moves}: seoul.1: no move for seoul's decision in round 1" in shown
    assert "the game asks seoul to answer the offer on the table (accept or reject)" in shown
    assert "the file has only 1 move for seoul" in shown and f"saved in {folder}" in shown
    assert t["status"] == "ended" and len(t["rounds"]) == 1 and t["debrief"] is None
    assert t["decisions"] == [
        {
            "round": 0,
            "actor": "seoul",
            "propose": {"defense_spending": 2.6, "troop_level": 28.5, "tariff": 0.0},
        }
    ]
    assert (folder / "transcript.md").exists()
    assert not (folder / "debrief.md").exists()
    again = runner.invoke(app, ["debrief", str(folder / "transcript.yaml")])
    exited(again, 0)
    assert "stopped early (ended) after 1 round(s)" in again.output


@pytest.mark.parametrize(
    ("moves", "words"),
    [
        ({"washington": ["accept"]}, "'washington' is not played by a person here"),
        (
            {"seoul": [{"propose": {"defense_spending": 3.25, "troop_level": 28.5, "tariff": 5}}]},
            "not an allowed value",
        ),
        (
            {"seoul": [{"propose": {"defense_spending": 3.2, "troop_level": 40, "tariff": 5}}]},
            "troop_level: 40",
        ),
        ({"seoul": [{"propose": {"defense_spending": 3.2, "tariff": 5}}]}, "troop_level: missing"),
        ({"seoul": ["pass"]}, "expected one of propose, accept, reject"),
        ({"seoul": "accept"}, "expected a list of moves"),
    ],
)
def test_bad_moves_files_exit_2_and_write_nothing(tmp_path, moves, words):
    path = _moves(tmp_path, moves)
    result = runner.invoke(
        app,
        ["play", str(TEACHING), "--as", "seoul", "--moves", str(path), "--out", str(tmp_path / "o"), *FAST],
        env={"COLUMNS": "200"},
    )
    exited(result, 2)
    assert words in result.output and f"{path}:" in result.output
    assert not (tmp_path / "o").exists()


def test_a_stakeholder_event_that_is_not_its_own_is_refused(tmp_path):
    path = _moves(tmp_path, {"beijing": [{"trigger": "pyongyang_provocation"}]})
    with pytest.raises(WargameError, match="not one of beijing's events"):
        classroom.play(_load(), ["beijing"], moves=path, out=tmp_path)


def test_a_move_that_does_not_fit_the_moment_is_a_clear_error(tmp_path):
    path = _moves(tmp_path, {"seoul": ["accept"]})  # Seoul must open with an offer
    result = runner.invoke(
        app,
        ["play", str(TEACHING), "--as", "seoul", "--moves", str(path), "--out", str(tmp_path), *FAST],
        env={"COLUMNS": "200"},
    )
    exited(result, 2)
    assert "seoul.0: 'accept' does not fit here: the game asks seoul to make an offer" in result.output
    _, t = _game(tmp_path)
    assert t["status"] == "failed"


def test_bad_actors_exit_2(tmp_path):
    for args in (["--as", "moscow"], ["--as", "seoul", "--as", "seoul"]):
        exited(runner.invoke(app, ["play", str(TEACHING), *args, "--out", str(tmp_path)]), 2)
    assert not (tmp_path / "classroom").exists()


# -- the debrief's percentile -------------------------------------------------------------------


def test_percentile():
    values = np.arange(10) / 10  # 0.0 .. 0.9
    assert classroom.percentile(values, 0.45) == 50.0
    assert classroom.percentile(values, -1) == 0.0 and classroom.percentile(values, 5) == 100.0
    assert classroom.percentile(values, 0.3) == 35.0  # 3 below, one tie counted half
    assert classroom.percentile(np.full(7, 0.4), 0.4) == 50.0


def test_percentile_on_a_game_whose_answer_is_known(tmp_path):
    """Bilateral has no noise and no events, so every agent-played run ends the same way. A
    player who makes exactly the agent's moves ties them all (50%); one who gives everything away
    is below them all (0%)."""
    from wargame.scenario import load_scenario

    scenario = load_scenario(BILATERAL).with_values({"first_proposer": "seoul"})  # the last script opens
    agent = NegotiationModel(scenario, seed=0).run()
    script = []
    for r in agent.rounds:
        if r.proposer == "seoul":
            script.append({"propose": r.offer})
        else:
            script.append("accept" if r.responses["seoul"] else "reject")
    same = classroom.play(
        scenario,
        ["seoul"],
        moves=_moves(tmp_path, {"seoul": script}),
        out=tmp_path,
        reference_runs=20,
        workers=1,
    )
    player = same.transcript["debrief"]["players"]["seoul"]
    assert player["utility"] == pytest.approx(agent.utility["seoul"])
    assert player["percentile"] == 50.0
    give_in = {"seoul": [{"propose": {"defense_spending": 3.8, "tariff": 25.0}}]}
    worst = classroom.play(
        scenario,
        ["seoul"],
        moves=_moves(tmp_path, give_in, "worst.yaml"),
        out=tmp_path,
        reference_runs=20,
        workers=1,
    )
    assert worst.transcript["debrief"]["players"]["seoul"]["percentile"] == 0.0
    # the reference runs were made once and reused
    assert len(list((tmp_path / "classroom" / "reference").glob("*/*"))) == 1


# -- the keyboard, through a real pseudo-terminal -----------------------------------------------


def _asleep(pid: int) -> bool:
    """Whether process ``pid`` is asleep (state S in /proc), e.g. blocked reading its terminal."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "S"


def test_keyboard_game_in_a_real_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wargame", "play", str(TEACHING), "--as", "seoul", "--out", str(tmp_path), *FAST],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 140),
        # plain text to match against; a traceback of every thread if the test has to abort it
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONFAULTHANDLER": "1"},
        # a shell without job control starts background commands with Ctrl-C ignored, and the game
        # would inherit that: give it the terminal's default, as a player's shell does
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    child.expect(r"Enter\s+=\s+\S+\): ")  # Seoul opens: defence spending first
    child.sendline("lots")
    child.expect("'lots' is not a number")
    child.expect(r"Enter\s+=\s+\S+\): ")
    child.sendline("3.25")
    child.expect("is not allowed")
    child.expect(r"Enter\s+=\s+\S+\): ")
    child.sendline("3.2")
    child.expect(r"Enter\s+=\s+\S+\): ")
    child.sendline("")  # troop level: keep what is on the table
    child.expect(r"Enter\s+=\s+\S+\): ")
    child.sendline("5")
    child.expect("worth")
    child.expect(r"Accept this offer\? \[y/n\]")  # round 1: Washington's offer
    child.sendline("perhaps")
    child.expect("answer y or n")
    child.expect(r"\[y/n\]")
    wait_for(lambda: _asleep(child.pid), 20, "the game to wait for an answer at its prompt")
    child.sendintr()  # Ctrl-C
    try:
        child.expect("the game so far is saved")
    except pexpect.TIMEOUT:
        child.kill(signal.SIGABRT)  # show where it is stuck (innermost frames first)
        child.expect(pexpect.EOF, timeout=10)
        pytest.fail(f"Ctrl-C did not stop the game; its threads when aborted:\n{child.before[-6000:]}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    _, t = _game(tmp_path)
    assert t["status"] == "interrupted"
    assert t["decisions"][0] == {
        "round": 0,
        "actor": "seoul",
        "propose": {"defense_spending": 3.2, "troop_level": 28.5, "tariff": 5.0},
    }
    assert len(t["rounds"]) == 1  # round 0 finished; round 1 was under way


def test_news_is_announced_at_the_start_of_its_round(tmp_path):
    import io

    from rich.console import Console

    buffer = io.StringIO()
    moves = _moves(
        tmp_path,
        {"washington": ["reject", {"propose": {"defense_spending": 3.8, "troop_level": 24, "tariff": 15}}]},
    )
    with pytest.raises(WargameError, match="no move for washington's decision in round 2"):  # two rounds
        classroom.play(
            _load(),
            ["washington"],
            moves=moves,
            out=tmp_path,
            console=Console(file=buffer, width=100),
            reference_runs=20,
            workers=1,
        )
    text = buffer.getvalue()
    order = [
        text.index(s)
        for s in ("Round 0: news", "Round 0: seoul offered", "Round 1: news", "Round 1: washington offered")
    ]
    assert order == sorted(order)
    assert text.count("Lee stopped in Tokyo") == 1  # each piece of news once
    assert text.index("Ulchi Freedom Shield, the allies") > text.index("Round 0: seoul offered")


def test_a_human_governments_events_never_fire_by_chance_or_by_inject(tmp_path):
    from wargame.scenario import validate_scenario

    data = _load().data()
    data["events"]["beijing_coercion"]["trigger"] = {"base": 1.0, "slope": 0.0}  # an agent would fire at once
    data["classroom"]["injects"].append(
        {"round": 0, "event": "beijing_coercion", "text": "Beijing warns Seoul."}
    )
    scenario = validate_scenario(data, "test")
    moves = _moves(tmp_path, {"beijing": ["pass", "pass", {"trigger": "beijing_coercion"}]})
    t = classroom.play(
        scenario, ["beijing"], moves=moves, out=tmp_path, reference_runs=20, workers=1
    ).transcript
    assert [(e["round"], e["cause"]) for e in t["events"] if e["actor"] == "beijing"] == [(2, "player")]
    assert {"round": 0, "text": "Beijing warns Seoul."} in t["announcements"]  # announced, not fired
    # Tokyo's classroom inject (Lee meets Ishiba) is Tokyo's own choice when a person plays Tokyo
    moves = _moves(tmp_path, {"tokyo": [{"trigger": "tokyo_coordination"}]}, "tokyo.yaml")
    t = classroom.play(_load(), ["tokyo"], moves=moves, out=tmp_path, reference_runs=20, workers=1).transcript
    assert [(d["round"], d["trigger"]) for d in t["decisions"]] == [(0, "tokyo_coordination")]


def test_games_people_cannot_play_are_refused(tmp_path):
    from wargame.scenario import validate_scenario

    eu = validate_scenario({**_load().data(), "protocol": "expected_utility"}, "eu")
    refused = "people play alternating_offers; this scenario uses expected_utility"
    with pytest.raises(WargameError, match=refused):
        classroom.play(eu, ["seoul"], out=tmp_path)
    data = _load().data()
    data["events"] = {k: v for k, v in data["events"].items() if v["actor"] != "tokyo"}
    data["classroom"]["injects"] = [
        a for a in data["classroom"]["injects"] if a.get("event") != "tokyo_coordination"
    ]
    with pytest.raises(WargameError, match="tokyo has no events to trigger"):
        classroom.play(validate_scenario(data, "x"), ["tokyo"], out=tmp_path)
    assert not (tmp_path / "classroom").exists()


def test_a_damaged_transcript_is_a_clear_error(tmp_path):
    path = tmp_path / "transcript.yaml"
    path.write_text(
        yaml.safe_dump(
            {"scenario": "x", "humans": ["seoul"], "status": "complete", "rounds": [], "debrief": "oops"}
        )
    )
    exited(runner.invoke(app, ["debrief", str(path)]), 2)
    exited(runner.invoke(app, ["debrief", str(tmp_path / "nowhere")]), 2)


# -- regressions (issue 12) ---------------------------------------------------------------------


def test_a_stakeholders_role_card_says_nothing_of_holding_out(teaching):
    """Only a government at the table can hold out: a stakeholder's card does not compare fallbacks
    (nor, since issue 21, does a principal's: the other side's no-deal cost is private)."""
    for actor in teaching.actors:
        text = classroom.brief(teaching, actor)
        assert "hold out" not in text and "time is on their side" not in text


def test_scenario_text_prints_as_written():
    """Citations like "[wire, cfr]" in a description are text, not rich markup."""
    result = runner.invoke(app, ["brief", str(TEACHING), "--as", "beijing"])
    exited(result, 0)
    assert "largest trading partner [wire, cfr], squeezes" in " ".join(result.output.split())


def test_typed_markup_and_huge_lines_are_just_bad_input(tmp_path):
    """What a person types is text: "[/x]" is not rich markup, and a 100,000-digit line is refused
    and shown back in a few characters (the subprocess's timeout guards against a hang; how long it
    takes is the benchmarks' business, not a test's)."""
    import subprocess

    lines = "[/x]\n" + "9" * 100_000 + "\n"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wargame",
            "play",
            str(TEACHING),
            "--as",
            "seoul",
            "--out",
            str(tmp_path),
            *FAST,
        ],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "'[/x]' is not a number" in proc.stdout
    assert "9" * 100 not in proc.stdout  # the rejected value is shown cut short
    assert "input ended: the game so far is saved" in proc.stderr
    _, t = _game(tmp_path)
    assert t["status"] == "ended"


def test_a_closed_keyboard_is_a_clear_error(tmp_path):
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "wargame", "play", str(TEACHING), "--as", "seoul", "--out", str(tmp_path)],
        stdin=subprocess.DEVNULL if False else None,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
    )
    assert (
        proc.returncode == 2 and "standard input is closed" in proc.stderr and "Traceback" not in proc.stderr
    )
    assert not (tmp_path / "classroom").exists()


def test_every_decision_is_saved_as_it_is_made(tmp_path):
    """A crash (or a kill) in the middle of a round leaves the transcript of every move made so far."""

    class CrashError(Exception):
        pass

    class Flaky:
        """Proposes once, then breaks."""

        def propose(self, view, round_):
            if round_ > 0:
                raise CrashError("the seat broke")
            return np.array([3.2, 28.5, 5.0])

        def respond(self, view, offer, round_):
            return False

        def act(self, view, round_, events):
            return None

    from wargame.classroom import terminal

    original = terminal.TerminalSeat
    terminal.TerminalSeat = lambda console, players: Flaky()
    try:
        with pytest.raises(CrashError):
            classroom.play(_load(), ["seoul"], out=tmp_path, reference_runs=20, workers=1)
    finally:
        terminal.TerminalSeat = original
    _, t = _game(tmp_path)
    assert t["status"] == "failed"
    assert [(d["round"], "propose" in d) for d in t["decisions"]] == [(0, True), (1, False)]
    assert len(t["rounds"]) == 2  # round 0, and round 1 where Seoul rejected Washington's offer


def test_ctrl_c_during_the_debrief_keeps_the_game_and_debrief_makes_it_later(tmp_path, monkeypatch):
    moves = _moves(tmp_path, {"seoul": SEOUL_GAME})
    from wargame.classroom import terminal

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(terminal, "debrief", interrupted)
    result = runner.invoke(
        app,
        ["play", str(TEACHING), "--as", "seoul", "--moves", str(moves), "--out", str(tmp_path), *FAST],
        env={"COLUMNS": "200"},
    )
    exited(result, 0)
    text = " ".join(result.output.split())
    assert "stopped early" not in text
    assert "The game ended in a deal in round 3, but its debrief was not computed" in text
    folder, t = _game(tmp_path)
    assert t["status"] == "complete" and t["debrief"] is None and not (folder / "debrief.md").exists()
    monkeypatch.undo()
    again = runner.invoke(app, ["debrief", str(folder), "--workers", "1"], env={"COLUMNS": "200"})
    exited(again, 0)  # the game is replayed from its transcript and the debrief made now
    saved = yaml.safe_load((folder / "transcript.yaml").read_text())
    assert (folder / "debrief.md").exists() and saved["debrief"]["reference"]["runs"] == 20
    assert saved["episode"] == t["episode"]
    assert "better than" in " ".join(again.output.split())


# -- the package: options, tracks, the calendar ---------------------------------------------------


def test_the_packages_role_card_names_options_tracks_and_hazards(package):
    text = classroom.brief(package, "seoul", fmt="md")
    assert '"reaffirm the 2006 understanding on strategic flexibility"' in text  # an option by its label
    assert "## How the talks run" in text
    assert "- summit: round 4, ending 2025-08-25." in text
    flat = " ".join(text.split())
    assert (
        "The economic track (Tariff, Terms of the $350bn pledge, US energy purchases) is due by round 4"
        in flat
    )
    assert "if not, the deadline slips to the end of the next phase" in flat
    # the role card says what is private: Seoul's cost of failure, as Washington's prior bounds it
    assert "What a failure costs you is private: the others only know it lies between -0.05 and 0.25" in flat
    assert "private" not in " ".join(classroom.brief(package, "tokyo").split()).replace(
        "Your briefing (private)", ""
    )
    assert "Values everyone knows: 15 (the July rate, the one Japan got too)" in text
    for other in ("beijing", "tokyo", "pyongyang", "washington"):
        assert classroom.brief(package, other).count("Your briefing (private)") == 1


def test_a_scripted_game_of_the_package_settles_the_economic_track_at_the_summit(tmp_path):
    offer = {
        "defense_spending": 3.3,
        "usfk_contribution": 2.0,
        "troop_level": 28.5,
        "flexibility_statement": 2,
        "tariff": 15,
        "investment_terms": 1,
        "energy_purchases": 120,
    }
    # who opens is drawn from the seed (0, play's default): Seoul proposes in its turns and answers
    # in the others (copies: YAML aliases are refused)
    from wargame.model import proposing_order
    from wargame.scenario import load_scenario

    opens = proposing_order(load_scenario(PACKAGE), 0)[0] == "seoul"
    script = [{"propose": dict(offer)} if (k % 2 == 0) == opens else "reject" for k in range(12)]
    moves = _moves(tmp_path, {"seoul": script})
    package = str(PACKAGE)
    result = runner.invoke(
        app, ["play", package, "--as", "seoul", "--moves", str(moves), "--out", str(tmp_path), *FAST]
    )
    exited(result, 0)
    _, t = _game(tmp_path)
    episode = t["episode"]
    assert episode["tracks"]["economic"][1] <= 4  # settled by the summit
    assert any("The leaders meet in Washington" in a["text"] for a in t["announcements"])
    # a statement option, never a value between options
    assert episode["outcome"]["flexibility_statement"] in (0, 1, 2, 3)


def test_an_off_option_proposal_is_refused_before_play(tmp_path, package):
    offer = {i: package.issues[i].status_quo for i in package.issues} | {"flexibility_statement": 1.5}
    moves = _moves(tmp_path, {"seoul": [{"propose": offer}]})
    with pytest.raises(
        WargameError, match=r"flexibility_statement: 1.5 is not an allowed value \(0 \(no reference"
    ):
        classroom.load_moves(moves, package, ["seoul"])


# -- regressions (issue 21) ---------------------------------------------------------------------

# Seoul's moves in the package, seed 3: an offer, then a rejection; the talks break down after round 1
BREAKDOWN = {
    "seoul": [
        {
            "propose": {
                "defense_spending": 3.3,
                "usfk_contribution": 3,
                "troop_level": 28.5,
                "flexibility_statement": 1,
                "tariff": 10,
                "investment_terms": 0,
                "energy_purchases": 120,
            }
        },
        "reject",
    ]
}


def _play_the_breakdown(tmp_path, package):
    """Seoul's BREAKDOWN moves played through: the game's result and what the terminal showed."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    result = classroom.play(
        package,
        ["seoul"],
        seed=823,  # one where the talks break down after round 1 (escalation)
        moves=_moves(tmp_path, BREAKDOWN),
        out=tmp_path,
        console=Console(file=buffer, width=400),
        reference_runs=20,
        workers=1,
    )
    return result, buffer.getvalue()


def test_a_breakdown_is_announced_when_it_happens_and_recorded_everywhere(tmp_path, package):
    """Issue 21, item 4: the talks broke down after round 1 (escalation), but the game printed
    "no deal yet" and the debrief "every issue fell to its no-deal value"; no file said why."""
    from wargame.classroom.game import Game
    from wargame.report_episode import verdict

    result, text = _play_the_breakdown(tmp_path, package)
    assert result.status == "complete"
    t = result.transcript
    # the verdict `wargame run` prints, for this very game (replayed from its transcript)
    model = Game.replay(t).model
    said = verdict(model.episode(), package)
    assert said == (
        "no deal: the talks broke down after round 1 (escalation); "
        "economic failed in round 1, security failed in round 1"
    )
    line = "N" + said[1:] + "."
    why = "A provocation escalates into a crisis that suspends the talks (escalation)."
    # the terminal game says so when it happens: the round, the cause, why
    assert "Round 1: the talks broke down" in text and why in text
    # its choice in round 0, then the classroom's launch in round 1
    assert "pyongyang_provocation (fired 2x)" in text
    assert "no deal yet; events: pyongyang_provocation" not in text
    assert text.index("Round 1: the talks broke down") < text.index(line) < text.index("Comparing with")
    # and every file of the game records it
    assert t["ending"]["ended"] == "breakdown" and t["ending"]["round"] == 1
    assert t["ending"]["breakdown"] == {
        "name": "escalation",
        "description": "a provocation escalates into a crisis that suspends the talks",
        "events": {"pyongyang_provocation": 2},
    }
    assert t["debrief"]["verdict"] == line and t["debrief"]["why"].startswith(why)
    saved = yaml.safe_load((result.folder / "transcript.yaml").read_text())
    assert saved["ending"] == t["ending"]
    for name in ("transcript.md", "debrief.md"):
        written = (result.folder / name).read_text()
        assert line in written and f"Why: {why}" in written, name
    assert "every issue fell to its no-deal value" not in (result.folder / "debrief.md").read_text()
    again = runner.invoke(app, ["debrief", str(result.folder)], env={"COLUMNS": "400"})
    exited(again, 0)
    assert line in again.output


def test_a_news_item_the_classroom_retells_is_read_out_once(tmp_path, package):
    """Issue 21, item 9a: the package's round-1 missile launch was read out twice, once in the
    classroom's words and once as the scenario inject's note; it still fires, once."""
    result, text = _play_the_breakdown(tmp_path, package)
    assert text.count("Round 1: news") == 1
    assert text.count("Pyongyang answers with a missile launch") == 1
    t = result.transcript
    assert [a["text"] for a in t["announcements"] if a["round"] == 1] == [
        "Ulchi Freedom Shield, the allies' annual exercise, is under way. Pyongyang answers with a "
        "missile launch."
    ]
    assert [(e["round"], e["event"], e["cause"]) for e in t["events"] if e["cause"] == "inject"] == [
        (0, "tokyo_coordination", "inject"),
        (1, "pyongyang_provocation", "inject"),
    ]
    # whoever plays, no round reads out a text that another of its texts already tells
    from wargame.classroom.game import classroom_scenario, tells

    for humans in (["seoul"], ["pyongyang"], ["seoul", "washington", "pyongyang"]):
        played = classroom_scenario(package, humans)
        texts = [(a.round, a.text) for a in played.classroom.injects]
        texts += [(i.round, i.note) for i in played.injects]
        for k, (r, a) in enumerate(texts):
            for j, (s, b) in enumerate(texts):
                assert k == j or r != s or not tells(a, b), (humans, a, b)
    # the teaching scenario's round-1 texts say different things: both are read
    teaching = classroom_scenario(_load(), ["seoul"])
    assert len([a for a in teaching.classroom.injects if a.round == 1]) == 1
    assert [i.note for i in teaching.injects if i.round == 1] == [
        "Ulchi Freedom Shield is under way; Pyongyang answers with a missile launch."
    ]


# -- moves and decisions: one typed form, two plain ones ------------------------------------------

# decisions as transcripts have always written them: a proposal, both answers, a trigger, a pass
OLD_DECISIONS = [
    {"round": 0, "actor": "seoul", "propose": {"defense_spending": 3.2, "troop_level": 28.5, "tariff": 5.0}},
    {"round": 0, "actor": "washington", "reject": True},
    {"round": 1, "actor": "seoul", "accept": True},
    {"round": 1, "actor": "beijing", "trigger": "beijing_coercion"},
    {"round": 2, "actor": "beijing", "trigger": None},
]


def test_a_decision_round_trips_through_the_transcript_and_moves_file_forms():
    from wargame.classroom.moves import Decision, Move

    decisions = [Decision.from_json(d) for d in OLD_DECISIONS]
    assert [d.move.kind for d in decisions] == ["propose", "reject", "accept", "trigger", "pass"]
    assert [d.to_json() for d in decisions] == OLD_DECISIONS  # exactly as read: replays unchanged
    assert decisions[0].move.package == OLD_DECISIONS[0]["propose"]
    assert decisions[3].move.event == "beijing_coercion"
    wire = [d.move.wire() for d in decisions]
    assert wire == [
        {"propose": OLD_DECISIONS[0]["propose"]},
        "reject",
        "accept",
        {"trigger": "beijing_coercion"},
        "pass",
    ]
    assert [Move.from_wire(w) for w in wire] == [d.move for d in decisions]
    # YAML and JSON give whole numbers as ints: the same move as its float
    assert Move.from_wire({"propose": {"tariff": 5}}) == Move("propose", package={"tariff": 5.0})


@pytest.mark.parametrize(
    "value",
    [
        "propose",
        "trigger",
        "maybe",
        None,
        7,
        {"accept": True, "reject": True},
        {"propose": [3.0, 28.5, 5]},
        {"propose": {"tariff": True}},
        {"propose": {"tariff": "5"}},
        {"propose": {"tariff": float("nan")}},
        {"trigger": 3},
        {"trigger": None},
    ],
)
def test_a_value_that_is_no_move_is_refused(value):
    from wargame.classroom.moves import BadMove, Move

    with pytest.raises(BadMove):
        Move.from_wire(value)


def test_a_move_holds_only_what_its_kind_needs():
    from wargame.classroom.moves import BadMove, Move

    for bad in (
        lambda: Move("propose"),
        lambda: Move("trigger"),
        lambda: Move("accept", event="x"),
        lambda: Move("pass", package={"tariff": 5.0}),
        lambda: Move("shrug"),  # type: ignore[arg-type]
    ):
        with pytest.raises(BadMove):
            bad()


def test_a_replayed_game_records_the_decisions_of_its_transcript(tmp_path, package):
    from wargame.classroom.game import Game

    result, _ = _play_the_breakdown(tmp_path, package)
    t = result.transcript
    replayed = Game.replay(t)
    assert [d.to_json() for d in replayed.decisions] == t["decisions"]
    assert replayed.opening("seoul") == BREAKDOWN["seoul"][0]["propose"]
    assert replayed.triggered_by("seoul") == []


def test_a_move_word_that_needs_its_content_is_refused_in_a_moves_file(tmp_path):
    path = _moves(tmp_path, {"seoul": ["propose"]})
    with pytest.raises(WargameError, match="'propose' on its own says nothing"):
        classroom.load_moves(path, _load(), ["seoul"])
