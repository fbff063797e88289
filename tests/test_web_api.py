"""The classroom server's rules, each tried by breaking it: what a seat's token may do, what the
facilitator's key may do, what any value from a browser must be, uploads, limits, pausing, news
released by hand, and the state on disk after every move. In process (Starlette's TestClient);
the browser tests drive the same app in its own process."""

from __future__ import annotations

import json
import math
import stat

import pytest
import yaml
from fastapi.testclient import TestClient

from wargame.web.app import BODY_LIMIT, UPLOAD_LIMIT, BodyLimit, Server, create_app
from wargame.web.state import DebriefState, SessionStatus

from .conftest import ROOT, TEACHING
from .processes import wait_for
from .webserver import a_move, token_of

KEY = "the-facilitators-key"


def client(server: Server, secret: str | None = None) -> TestClient:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return TestClient(BodyLimit(create_app(server), BODY_LIMIT), headers=headers)


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path, ROOT / "configs", KEY, reference_runs=20, workers=1)
    yield server
    if server.pool is not None:  # the explorer's workers (a TestClient never runs the app's lifespan)
        server.pool.shutdown(cancel_futures=True)


def session(server: Server, humans=("seoul", "washington"), start=True, **extra):
    """A new session's id, the facilitator's client and each seat's client."""
    boss = client(server, KEY)
    made = boss.post(
        "/api/sessions", json={"scenario": "summit_2025.yaml", "humans": list(humans), "seed": 1, **extra}
    )
    assert made.status_code == 200, made.text
    sid = made.json()["id"]
    links = boss.get(f"/api/sessions/{sid}").json()["links"]
    seats = {a: client(server, token_of(link)) for a, link in links.items()}
    if start:
        assert boss.post(f"/api/sessions/{sid}/start").status_code == 200
    return sid, boss, seats


def waiting(seats) -> tuple[str, dict]:
    """Whose decision the game waits for, and that seat's state."""
    states = {a: s.get("/api/seat").json() for a, s in seats.items()}
    actor = next(iter(states.values()))["waiting_for"]
    return actor, states.get(actor, {})


def play(seats, moves: int | None = None) -> int:
    """Make ``moves`` decisions (all, to the end, by default) as :func:`a_move` would."""
    made = 0
    while moves is None or made < moves:
        actor, state = waiting(seats)
        if actor is None:
            break
        r = seats[actor].post(
            "/api/seat/move", json={"number": state["ask"]["number"], "move": a_move(state)}
        )
        assert r.status_code == 200, r.text
        made += 1
    return made


def debriefed(session, timeout: float) -> None:
    """Wait until ``session``'s debrief is computed; fail saying so if it is not, or failed."""
    wait_for(lambda: session.debrief is not DebriefState.COMPUTING, timeout, "the debrief to be computed")
    assert session.debrief is DebriefState.READY, session.debrief_shown


def decisions(server: Server, sid: str) -> list:
    return yaml.safe_load((server.store.get(sid).folder / "transcript.yaml").read_text())["decisions"]


# -- a seat's token ------------------------------------------------------------------------------


def test_a_seats_token_shows_its_own_government_only(server, teaching):
    sid, _, seats = session(server)
    play(seats, 2)
    seoul = seats["seoul"].get("/api/seat").json()
    assert seoul["actor"] == "seoul"
    briefings = teaching.classroom.briefings
    text = json.dumps(seoul)
    assert briefings["seoul"] in seoul["briefing"]
    assert [a for a, b in briefings.items() if b in text] == ["seoul"]
    # Washington's payoffs are nowhere in Seoul's view: its ideal defence spending, say
    washington = teaching.actors["washington"]
    assert seoul["table"]["issues"][0]["ideal"] == teaching.actors["seoul"].ideal["defense_spending"]
    assert washington.ideal["defense_spending"] not in [i["ideal"] for i in seoul["table"]["issues"]]
    # nothing in a request can switch the government: the token decides it
    assert seats["seoul"].get("/api/seat", params={"actor": "washington"}).json()["actor"] == "seoul"
    # the transcript (which holds every briefing) and the debrief open to seats only when it is over
    for path in ("/api/debrief", "/api/transcript", "/api/debrief.png"):
        r = seats["seoul"].get(path)
        assert r.status_code == 409 and briefings["washington"] not in r.text, path
    assert server.store.get(sid).status is SessionStatus.PLAYING


def test_a_seat_cannot_move_for_another_seat_or_out_of_turn(server):
    sid, _, seats = session(server)
    actor, state = waiting(seats)  # Seoul proposes first
    other = "washington" if actor == "seoul" else "seoul"
    number = state["ask"]["number"]
    move = a_move(state)
    as_other = seats[actor].post("/api/seat/move", json={"number": number, "move": move, "actor": other})
    assert as_other.status_code == 403 and f"plays {actor} only" in as_other.json()["error"]
    out_of_turn = seats[other].post("/api/seat/move", json={"number": number, "move": move})
    assert out_of_turn.status_code == 409 and f"it is {actor}'s turn" in out_of_turn.json()["error"]
    assert decisions(server, sid) == []


def test_a_seats_token_cannot_do_what_the_facilitator_does(server):
    sid, _, seats = session(server, start=False)
    seat = seats["seoul"]
    for method, path, body in [
        ("get", "/api/sessions", None),
        ("get", f"/api/sessions/{sid}", None),
        ("post", f"/api/sessions/{sid}/start", None),
        ("post", f"/api/sessions/{sid}/end", None),
        ("post", f"/api/sessions/{sid}/release", {"item": 0}),
        ("post", "/api/sessions", {"scenario": "summit_2025.yaml", "humans": ["seoul"]}),
        ("get", "/api/scenarios", None),
        ("get", f"/api/sessions/{sid}/qr/washington.svg", None),
        ("get", "/api/transcript", {"session": sid}),
        ("get", "/api/debrief", {"session": sid}),
        ("get", "/api/explore", None),
        ("post", "/api/explore", {"scenario": "summit_2025.yaml", "episodes": 5}),
    ]:
        r = seat.get(path, params=body) if method == "get" else seat.post(path, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert "only the facilitator" in r.json()["error"]
    assert server.store.get(sid).status is SessionStatus.LOBBY


def test_forged_and_foreign_tokens_are_refused(server, tmp_path):
    sid, _, _ = session(server)
    for forged in [
        "",
        "x",
        "a" * 32,
        token_of(client(server, KEY).get(f"/api/sessions/{sid}").json()["links"]["seoul"])[:-1],
    ]:
        r = client(server, forged).get("/api/seat")
        assert r.status_code == 401, forged
    # a real token of another server's session (another runs folder) means nothing here
    elsewhere = Server(tmp_path / "elsewhere", ROOT / "configs", KEY, reference_runs=20, workers=1)
    _, _, theirs = session(elsewhere)
    stolen = theirs["seoul"].headers["Authorization"]
    r = TestClient(create_app(server), headers={"Authorization": stolen}).get("/api/seat")
    assert r.status_code == 401
    # the facilitator's key is not a seat's token either, and a seat's token is not the key
    assert client(server, KEY).get("/api/seat").status_code == 401


def test_a_replayed_move_is_refused_not_played_twice(server):
    sid, _, seats = session(server)
    actor, state = waiting(seats)
    request = {"number": state["ask"]["number"], "move": a_move(state)}
    assert seats[actor].post("/api/seat/move", json=request).status_code == 200
    again = seats[actor].post("/api/seat/move", json=request)
    assert again.status_code == 409
    assert len(decisions(server, sid)) == 1


@pytest.mark.parametrize(
    ("move", "why"),
    [
        ({"propose": {"defense_spending": 3.05, "troop_level": 28.5, "tariff": 15}}, "not an allowed value"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 29.0, "tariff": 15}}, "not an allowed value"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 28.5, "tariff": math.nan}}, "not a number"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 28.5, "tariff": "15"}}, "not a number"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 28.5, "tariff": True}}, "not a number"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 28.5}}, "tariff: missing"),
        ({"propose": {"defense_spending": 3.0, "troop_level": 28.5, "tariff": 15, "x": 1}}, "not an issue"),
        ({"propose": [3.0, 28.5, 15]}, "maps each issue"),
        ("propose", "'propose' on its own says nothing"),  # was a TypeError: a 500
        ("accept", "asks seoul to propose"),
        ({"trigger": "north_korea_missile_test"}, "asks seoul to propose"),
        ({"propose": {"defense_spending": 3.0}, "accept": True}, "asks seoul to propose"),
    ],
)
def test_values_off_the_grid_or_malformed_are_refused(server, move, why):
    sid, _, seats = session(server)
    r = seats["seoul"].post(
        "/api/seat/move",
        content=json.dumps({"number": 0, "move": move}),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert why in r.json()["error"]
    assert decisions(server, sid) == []


@pytest.mark.parametrize("number", ["0", 0.0, None, True, -1, 5])
def test_a_move_must_name_the_decision_it_answers(server, number):
    sid, _, seats = session(server)
    actor, state = waiting(seats)
    r = seats[actor].post("/api/seat/move", json={"number": number, "move": a_move(state)})
    assert r.status_code in (400, 409), r.text
    assert decisions(server, sid) == []


@pytest.mark.parametrize(
    "body",
    [
        '{"number": 0, "move": "\\ud800"}',
        '{"number": 0, "move": {"propose": {"\\udfff": 1}}}',
        "[1, 2]",
        "{not json",
        "",
    ],
)
def test_a_body_that_is_not_a_json_object_of_text_is_refused(server, body):
    sid, _, seats = session(server)
    r = seats["seoul"].post("/api/seat/move", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert decisions(server, sid) == []


def test_a_move_while_paused_or_before_the_start_waits(server):
    sid, boss, seats = session(server, start=False)
    actor, state = waiting(seats)
    request = {"number": state["ask"]["number"], "move": a_move(state)}
    assert "not started" in seats[actor].post("/api/seat/move", json=request).json()["error"]
    boss.post(f"/api/sessions/{sid}/start")
    boss.post(f"/api/sessions/{sid}/pause")
    r = seats[actor].post("/api/seat/move", json=request)
    assert r.status_code == 409 and "paused" in r.json()["error"]
    boss.post(f"/api/sessions/{sid}/resume")
    assert seats[actor].post("/api/seat/move", json=request).status_code == 200


# -- what a browser may name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "scenarios/summit_2025.yaml",
        "../configs/scenarios/summit_2025.yaml",
        7,
    ],
)
def test_a_scenario_is_named_from_the_servers_list_never_by_path(server, name):
    r = client(server, KEY).post("/api/sessions", json={"scenario": name, "humans": ["seoul"]})
    assert r.status_code == 400 and "is not one of" in r.json()["error"]
    r = client(server, KEY).get("/api/explore", params={"scenario": name})
    assert r.status_code == 400


def test_an_uploads_file_name_never_becomes_a_path(server, tmp_path):
    target = tmp_path / "escaped.yaml"
    evil = f"../../../{tmp_path.name}/escaped.yaml"
    boss = client(server, KEY)
    r = boss.post(
        "/api/sessions",
        json={"upload": {"filename": evil, "text": TEACHING.read_text()}, "humans": ["seoul"], "seed": 0},
    )
    assert r.status_code == 200, r.text
    folder = server.store.get(r.json()["id"]).folder
    assert not target.exists()
    assert (folder / "scenario.yaml").read_text() == TEACHING.read_text()
    assert "/" not in server.store.get(r.json()["id"]).source.removeprefix("upload:")


def test_an_uploaded_scenario_gets_the_clis_messages(server, tmp_path):
    from typer.testing import CliRunner

    from wargame.cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text(TEACHING.read_text().replace("step: 0.5", "step: -0.5"))
    cli = CliRunner().invoke(app, ["validate", str(bad)])
    assert cli.exit_code == 2
    r = client(server, KEY).post(
        "/api/upload", json={"upload": {"filename": "bad.yaml", "text": bad.read_text()}}
    )
    assert r.status_code == 400
    message = r.json()["error"]
    assert "bad.yaml:" in message and "issues.troop_level.step" in message
    assert message.split("bad.yaml:", 1)[1] in " ".join(cli.output.split())


def test_uploads_and_bodies_are_size_limited(server):
    boss = client(server, KEY)
    big = "# padding\n" * (UPLOAD_LIMIT // 10 + 1) + TEACHING.read_text()
    r = boss.post("/api/upload", json={"upload": {"filename": "big.yaml", "text": big}})
    assert r.status_code == 413 and "KB" in r.json()["error"]
    r = boss.post(
        "/api/sessions", json={"upload": {"filename": "big.yaml", "text": big}, "humans": ["seoul"]}
    )
    assert r.status_code == 413
    huge = json.dumps({"upload": {"filename": "x.yaml", "text": "x" * (BODY_LIMIT + 1)}, "humans": ["seoul"]})
    r = boss.post("/api/sessions", content=huge, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert not (server.store.out / "classroom").exists()  # no session was made


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name: [unclosed\n", 2),
        ("name: a\nname: b\n", 2),
        ("a: &x 1\nb: *x\n", 2),
        ("name: x\nday: 2025-02-30\n", 2),
        ("name: x\n\tbad: tab\n", 2),
        ("[" * 5000, None),
    ],
)
def test_an_upload_that_is_not_yaml_gets_the_clis_message(server, tmp_path, text, line):
    from typer.testing import CliRunner

    from wargame.cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    cli = CliRunner().invoke(app, ["validate", str(bad)])
    assert cli.exit_code == 2
    r = client(server, KEY).post("/api/upload", json={"upload": {"filename": "bad.yaml", "text": text}})
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert message.startswith("bad.yaml" if line is None else f"bad.yaml:{line}:")
    assert message.split(":", 1 if line is None else 2)[-1].strip() in " ".join(cli.output.split())


# -- limits --------------------------------------------------------------------------------------


def test_the_session_and_player_limits_are_enforced_with_a_reason(tmp_path):
    server = Server(
        tmp_path, ROOT / "configs", KEY, reference_runs=20, workers=1, max_sessions=2, max_players=3
    )
    first, boss, _ = session(server)
    r = boss.post("/api/sessions", json={"scenario": "summit_2025.yaml", "humans": ["seoul", "washington"]})
    assert r.status_code == 429 and "at most 3 players" in r.json()["error"]
    session(server, humans=("seoul",))
    r = boss.post("/api/sessions", json={"scenario": "summit_2025.yaml", "humans": ["tokyo"]})
    assert r.status_code == 429 and "at most 2 open sessions" in r.json()["error"]
    assert boss.post(f"/api/sessions/{first}/end").status_code == 200  # an ended session frees its places
    session(server, humans=("tokyo",))


# -- news, saving, reloading ---------------------------------------------------------------------


def test_news_released_by_hand_fires_from_the_next_round_only(server, teaching):
    sid, boss, seats = session(server, schedule="manual")
    state = boss.get(f"/api/sessions/{sid}").json()
    assert state["news"] == []  # nothing is announced or injected until released
    assert [e for e in state["events"] if e["cause"] == "inject"] == []
    items = state["news_items"]
    event_item = next(i for i in items if i["event"] is not None)
    play(seats, 1)
    r = boss.post(f"/api/sessions/{sid}/release", json={"item": event_item["index"]})
    assert r.status_code == 200
    at = r.json()["round"]
    assert at == 1  # round 0 is under way: the news lands at the start of round 1
    assert boss.post(f"/api/sessions/{sid}/release", json={"item": event_item["index"]}).status_code == 409
    assert boss.post(f"/api/sessions/{sid}/release", json={"item": 99}).status_code == 400
    assert boss.post(f"/api/sessions/{sid}/release", json={"item": "0"}).status_code == 400
    play(seats)
    state = boss.get(f"/api/sessions/{sid}").json()
    injected = [e["round"] for e in state["events"] if e["cause"] == "inject"]
    assert injected == [at]  # the released one, when it was released for; none of the others
    # the transcript records the game as played: replaying it gives the same game
    from wargame.classroom.game import Game

    transcript = yaml.safe_load((server.store.get(sid).folder / "transcript.yaml").read_text())
    replayed = Game.replay(transcript).model
    assert replayed.episode().to_dict()["outcome"] == transcript["episode"]["outcome"]


def test_news_cannot_be_released_after_the_last_round_began(server):
    sid, boss, seats = session(server, schedule="manual")
    # nobody accepts: play to the last round
    session_ = server.store.get(sid)
    while session_.current().ask is not None and session_.current().ask.round < session_.scenario.rounds - 1:
        actor, state = waiting(seats)
        move = "reject" if state["ask"]["kind"] == "respond" else a_move(state)
        assert (
            seats[actor]
            .post("/api/seat/move", json={"number": state["ask"]["number"], "move": move})
            .status_code
            == 200
        )
    saved = (session_.folder / "session.json").read_text()
    r = boss.post(f"/api/sessions/{sid}/release", json={"item": 0})
    assert r.status_code == 409 and "too late" in r.json()["error"]
    assert (session_.folder / "session.json").read_text() == saved
    play(seats)  # the game still plays to its end, and the session reloads
    assert session_.status is SessionStatus.COMPLETE
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    assert again.store.get(sid).status is SessionStatus.COMPLETE


def test_every_move_is_saved_and_a_new_server_reloads_the_game(server):
    sid, _, seats = session(server)
    folder = server.store.get(sid).folder
    for n in range(1, 4):
        play(seats, 1)
        saved = json.loads((folder / "session.json").read_text())
        assert sum(len(m) for m in saved["moves"].values()) == n
        assert len(yaml.safe_load((folder / "transcript.yaml").read_text())["decisions"]) == n
    assert stat.S_IMODE((folder / "session.json").stat().st_mode) == 0o600  # it holds the tokens
    before = {a: s.get("/api/seat").json() for a, s in seats.items()}
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    after = {
        a: client(again, s.headers["Authorization"].split()[1]).get("/api/seat").json()
        for a, s in seats.items()
    }
    assert after == before
    assert [s["id"] for s in client(again, KEY).get("/api/sessions").json()["sessions"]] == [sid]


def test_a_damaged_session_file_is_skipped_not_fatal(server, caplog):
    sid, _, _ = session(server)
    (server.store.get(sid).folder / "session.json").write_text("{not json")
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    assert again.store.sessions == {}
    assert "not reloaded" in caplog.text


def test_a_finished_game_gets_its_debrief_and_transcript(server):
    sid, boss, seats = session(server)
    play(seats)
    session_ = server.store.get(sid)
    assert session_.status is SessionStatus.COMPLETE
    debriefed(session_, 30)
    d = seats["seoul"].get("/api/debrief").json()
    assert 0 <= d["transcript"]["debrief"]["players"]["seoul"]["percentile"] <= 100
    assert boss.get("/api/debrief", params={"session": sid}).json()["transcript"] == d["transcript"]
    png = boss.get("/api/debrief.png", params={"session": sid})
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    text = seats["washington"].get("/api/transcript").text
    assert yaml.safe_load(text)["status"] == "complete"


# -- the explorer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"rounds": 3}, "not one of the explorer's knobs"),
        ({"actors.seoul.salience.tariff": 2.0}, "outside"),
        ({"actors.seoul.ideal.tariff": "high"}, "not a number"),
        ({"actors.seoul.strategy": "cheat"}, "is not one of"),
        ({"actors.pyongyang.no_deal_cost": 0.1}, "not one of the explorer's knobs"),
    ],
)
def test_the_explorer_refuses_values_it_does_not_offer(server, values, why):
    r = client(server, KEY).post(
        "/api/explore", json={"scenario": "summit_2025.yaml", "values": values, "episodes": 10}
    )
    assert r.status_code == 400 and why in r.json()["error"]


@pytest.mark.parametrize("number", ["Infinity", "NaN", "-Infinity"])
def test_the_explorer_refuses_numbers_that_are_not_finite(server, number):
    body = f'{{"scenario": "summit_2025.yaml", "values": {{"actors.seoul.salience.tariff": {number}}}}}'
    r = client(server, KEY).post("/api/explore", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "is not a number" in r.json()["error"]


@pytest.mark.parametrize(
    "extra", [{"seed": -1}, {"seed": 2**63}, {"episodes": 0}, {"episodes": 10**6}, {"values": [1]}]
)
def test_the_explorer_refuses_a_bad_seed_or_size(server, extra):
    body = {"scenario": "summit_2025.yaml", "values": {}, "episodes": 10, **extra}
    r = client(server, KEY).post("/api/explore", json=body)
    assert r.status_code == 400, r.text


def test_the_explorer_answers_with_distributions_and_one_episode(server):
    r = client(server, KEY).post(
        "/api/explore",
        json={"scenario": "summit_2025.yaml", "values": {"actors.seoul.no_deal_cost": 0.3}, "episodes": 40},
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["episodes"] == 40
    for issue in data["issues"].values():
        assert math.isclose(sum(b["share"] for b in issue["bars"]), 1.0)
    assert data["episode"] and data["episode"][0]["round"] == 0


# -- regressions (issue 21) ----------------------------------------------------------------------

PAYOFFS = ("ideal", "salience", "no_deal_cost", "risk", "focal_weight", "discount", "linkages", "strategy")


def keys_of(data, path=()) -> list[tuple]:
    """Every key path of a JSON value."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in [(*path, k), *keys_of(v, (*path, k))]]
    if isinstance(data, list):
        return [p for k, v in enumerate(data) for p in keys_of(v, (*path, k))]
    return []


def test_a_seats_json_holds_none_of_the_other_governments_payoffs(server, teaching):
    """Issue 21, item 7: the player page's briefing (the role card) named the other side's ideal on
    every issue, its top issue and its no-deal cost. Each government's payoffs are made
    recognisable here (off-grid ideals, odd costs) and looked for in every other seat's JSON."""
    data = json.loads(json.dumps(teaching.data()))
    marks = {}
    for k, (actor, spec) in enumerate(data["actors"].items()):
        for n, (name, issue) in enumerate(teaching.issues.items()):
            spec["ideal"][name] = round(
                issue.lo + (0.3137 + 0.0411 * n + 0.0053 * k) * (issue.hi - issue.lo), 4
            )
        spec["no_deal_cost"] = round(0.0917 + 0.001 * k, 4)
        marks[actor] = [f"{v:g}" for v in spec["ideal"].values()] + [f"{spec['no_deal_cost']:g}"]
    text = yaml.safe_dump(data, sort_keys=False)
    boss = client(server, KEY)
    made = boss.post(
        "/api/sessions",
        json={
            "upload": {"filename": "marked.yaml", "text": text},
            "humans": ["seoul", "washington"],
            "seed": 1,
        },
    )
    assert made.status_code == 200, made.text
    sid = made.json()["id"]
    links = boss.get(f"/api/sessions/{sid}").json()["links"]
    seats = {a: client(server, token_of(link)) for a, link in links.items()}
    boss.post(f"/api/sessions/{sid}/start")
    play(seats, 2)
    for actor, seat in seats.items():
        state = seat.get("/api/seat").json()
        shown = json.dumps(state)
        for other, values in marks.items():
            if other != actor:
                assert [v for v in values if v in shown] == [], (actor, other)
        assert all(v in shown for v in marks[actor])  # its own payoffs are on its page
        # payoff fields appear only in its own table (its ideal per issue), nowhere else
        fields = [p for p in keys_of(state) if p[-1] in PAYOFFS]
        assert {p[:2] for p in fields} <= {("table", "issues")} and {p[-1] for p in fields} <= {"ideal"}
        assert "The debrief reveals every government's payoffs" in state["briefing"]


def test_a_breakdown_is_said_on_the_player_page_and_in_the_debrief(server):
    """Issue 21, item 4, in the browser: the talks break down after round 1 (escalation); the
    seat's and the facilitator's JSON and the debrief say so and why."""
    from .test_classroom import BREAKDOWN

    boss = client(server, KEY)
    made = boss.post(
        "/api/sessions", json={"scenario": "summit_2025_package.yaml", "humans": ["seoul"], "seed": 823}
    )
    sid = made.json()["id"]
    seat = client(server, token_of(boss.get(f"/api/sessions/{sid}").json()["links"]["seoul"]))
    boss.post(f"/api/sessions/{sid}/start")
    for move in BREAKDOWN["seoul"]:
        ask = seat.get("/api/seat").json()["ask"]
        if ask["kind"] == "act":  # the page asks Seoul whether to suspend the pledge first: it waits
            waited = seat.post("/api/seat/move", json={"number": ask["number"], "move": "pass"})
            assert waited.status_code == 200
            ask = seat.get("/api/seat").json()["ask"]
        assert seat.post("/api/seat/move", json={"number": ask["number"], "move": move}).status_code == 200
    verdict = (
        "No deal: the talks broke down after round 1 (escalation); economic failed in round 1, "
        "security failed in round 1."
    )
    why = "A provocation escalates into a crisis that suspends the talks (escalation)."
    for state in (seat.get("/api/seat").json(), boss.get(f"/api/sessions/{sid}").json()):
        assert state["status"] == "complete"
        outcome = state["outcome"]
        assert (outcome["ended"], outcome["breakdown"], outcome["round"]) == ("breakdown", "escalation", 1)
        assert outcome["verdict"] == verdict and outcome["why"].startswith(why)
    debriefed(server.store.get(sid), 60)
    d = seat.get("/api/debrief").json()
    assert verdict in d["markdown"] and f"Why: {why}" in d["markdown"]
    assert d["transcript"]["debrief"]["verdict"] == verdict
    assert d["transcript"]["ending"]["breakdown"]["name"] == "escalation"
    assert "every issue fell to its no-deal value" not in d["markdown"]


# -- where a session stands: enums on the inside, the same words on the wire and on disk ------------


def test_the_debrief_state_reads_back_what_it_writes():
    from wargame.web.state import debrief_text, read_debrief

    for state in DebriefState:
        assert read_debrief(debrief_text(state)) == (state, None)
    assert debrief_text(DebriefState.FAILED, "no disk: left") == "failed: no disk: left"
    assert read_debrief("failed: no disk: left") == (DebriefState.FAILED, "no disk: left")
    for bad in ("ready: but why", "done", ""):
        with pytest.raises(ValueError):
            read_debrief(bad)


def _rewrite_session_file(folder, change) -> None:
    path = folder / "session.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_session_file_of_the_old_server_loads_failed_why_included(server):
    """Before the enums, ``session.json`` had no debrief and a status word; a debrief's state was a
    word or ``"failed: why"``. Each loads, and the API says what it said before."""
    sid, _, seats = session(server)
    play(seats, 2)
    folder = server.store.get(sid).folder
    before = seats["seoul"].get("/api/seat").json()

    def old(data):  # what the old server wrote: no debrief, moves as sent (whole numbers as ints)
        del data["debrief"]
        data["moves"]["seoul"][0]["propose"] = {
            k: int(v) if v == int(v) else v for k, v in (data["moves"]["seoul"][0]["propose"].items())
        }

    _rewrite_session_file(folder, old)
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    loaded = again.store.get(sid)
    assert (loaded.status, loaded.debrief, loaded.debrief_reason) == (
        SessionStatus.PLAYING,
        DebriefState.NONE,
        None,
    )
    token = token_of(client(again, KEY).get(f"/api/sessions/{sid}").json()["links"]["seoul"])
    assert client(again, token).get("/api/seat").json() == before

    _rewrite_session_file(folder, lambda data: data.update(debrief="failed: the reference runs crashed"))
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    loaded = again.store.get(sid)
    assert (loaded.debrief, loaded.debrief_reason) == (DebriefState.FAILED, "the reference runs crashed")
    assert client(again, token).get("/api/seat").json()["debrief"] == "failed: the reference runs crashed"
    assert json.loads((folder / "session.json").read_text())["status"] == "playing"

    # a debrief still computing when the server stopped is computed by nobody: it starts again
    _rewrite_session_file(folder, lambda data: data.update(debrief="computing"))
    assert (
        Server(server.store.out, ROOT / "configs", KEY, workers=1).store.get(sid).debrief is DebriefState.NONE
    )


def test_a_session_file_with_a_status_no_server_wrote_is_skipped(server, caplog):
    sid, _, _ = session(server)
    _rewrite_session_file(server.store.get(sid).folder, lambda data: data.update(status="failed: why"))
    again = Server(server.store.out, ROOT / "configs", KEY, reference_runs=20, workers=1)
    assert again.store.sessions == {}
    assert "damaged session file" in caplog.text


def test_a_debrief_that_fails_says_why_on_the_page_and_on_disk(server, monkeypatch):
    from wargame.classroom import scoring

    def broken(*args, **kwargs):
        raise RuntimeError("the reference runs crashed")

    monkeypatch.setattr(scoring, "debrief", broken)
    sid, _, seats = session(server)
    play(seats)
    session_ = server.store.get(sid)
    wait_for(lambda: session_.debrief is not DebriefState.COMPUTING, 30, "the debrief to give up")
    assert (session_.debrief, session_.debrief_reason) == (DebriefState.FAILED, "the reference runs crashed")
    assert seats["seoul"].get("/api/debrief").json()["debrief"] == "failed: the reference runs crashed"
    saved = json.loads((session_.folder / "session.json").read_text())
    assert (saved["status"], saved["debrief"]) == ("complete", "failed: the reference runs crashed")


# -- the routers -----------------------------------------------------------------------------------


def test_no_api_route_answers_without_a_key_or_token(server):
    """Every route under /api, whichever router holds it, checks who asks before anything else."""
    from fastapi.routing import APIRoute

    from wargame.web.routes import debrief, explore, facilitator, seats

    routers = (facilitator.router, seats.router, debrief.router, explore.router)
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 16 and all(r.path.startswith("/api/") for r in routes)
    anonymous = TestClient(create_app(server))
    for route in routes:
        path = route.path.replace("{session_id}", "x").replace("{action}", "start").replace("{actor}", "x")
        for method in route.methods:
            r = anonymous.request(method, path, json={})
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # and a page is a page: no route serves a file a request names
    assert anonymous.get("/", params={"file": "../app.py"}).text == anonymous.get("/").text


def test_every_answer_carries_the_security_headers(server):
    """Pages, scripts, API answers, refusals, unknown paths and bodies refused before any handler:
    each says where scripts may come from, and that it is not to be framed, sniffed or cached."""
    from wargame.web.guard import HEADERS

    boss = client(server, KEY)
    answers = [
        boss.get("/"),
        boss.get("/play"),
        boss.get("/static/common.js"),
        boss.get("/api/sessions"),
        boss.get("/api/seat"),  # 401: the key is not a seat's token
        boss.get("/no/such/page"),
        boss.post(
            "/api/upload", content=b"x" * (BODY_LIMIT + 1), headers={"Content-Type": "application/json"}
        ),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 401, 404, 413]
    for r in answers:
        assert {k: r.headers.get(k) for k in HEADERS} == HEADERS, r.request.url
