"""The classroom in a real browser: Debian's chromium driven by Playwright, against ``wargame serve``
in its own process. Each test saves screenshots of the pages it drives to ``runs/screenshots/``
(``WARGAME_ARTIFACTS`` moves them); docs/classroom.md shows them.

Without /usr/bin/chromium these tests skip, unless ``WARGAME_REQUIRE_BROWSER`` is set (``.ci/run``
installs the browser and sets it, so in CI a missing browser fails instead)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from .processes import wait_for
from .webserver import ARTIFACTS, CHROMIUM, Client, LiveServer, token_of

if not CHROMIUM.exists():
    if os.environ.get("WARGAME_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# a real browser takes most of a minute: CI runs these with the slow tests (pytest -m slow)
pytestmark = pytest.mark.slow

WIDE = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def snap(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def facilitator(browser, server: LiveServer, scenario="summit_2025.yaml", humans=("seoul", "washington")):
    """The facilitator's page with a new session of ``scenario``; the page and each seat's link."""
    page = browser.new_context(viewport=WIDE).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{server.url}/#key={server.key}")
    page.wait_for_selector(f"option[value='{scenario}']", state="attached")
    page.select_option("#scenario", scenario)
    for actor in humans:
        page.check(f"input[name=human][value={actor}]")
    page.fill("#seed", "1")
    page.click("#create-button")
    for actor in humans:
        page.wait_for_selector(f"a[data-seat={actor}]")
    links = {a: page.get_attribute(f"a[data-seat={a}]", "href") for a in humans}
    return page, links


def student(browser, link: str):
    page = browser.new_context(viewport=WIDE).new_page()
    page.goto(link)
    page.wait_for_selector("#table table")
    return page


# the buttons a student's page shows for the decision it is asked, in the order they are looked for
DECISIONS = ("#propose", "#accept", "#pass")


def your_turn(pages: dict) -> tuple[str, str] | None:
    """The first student whose page offers a decision, and the button to look at; None if none."""
    for actor, page in pages.items():
        for button in DECISIONS:
            # one look that never waits (a button can go between two looks)
            if page.locator(button).evaluate_all("bs => bs.some(b => !b.disabled && b.checkVisibility())"):
                return actor, button
    return None


def decide(page, actor: str, button: str) -> None:
    """Click ``button`` on ``actor``'s page and wait until the page has taken the decision: the form
    is replaced by the next one (the clicked button leaves the page). A page that shows an error
    instead (its buttons enabled again) fails the test with that error."""
    handle = page.locator(button).element_handle(timeout=5_000)
    try:
        handle.click(timeout=5_000)
    except playwright_api.TimeoutError as err:
        raise AssertionError(f"{actor}'s page: {button} could not be clicked ({err})") from None

    def answered() -> str | None:
        # one look inside the page (two could straddle the re-render); send() disables the buttons
        # while the move travels and enables them again if it is refused
        return handle.evaluate("b => !b.isConnected ? 'taken' : b.disabled ? null : 'refused'")

    what = f"{actor}'s page to take its decision ({button})"
    if wait_for(answered, 30, what) == "refused":
        raise AssertionError(f"{actor}'s page refused its decision ({button}): {page.inner_text('#error')}")


def play_on(pages: dict, until, answers: dict | None = None, timeout: float = 90, shot=None) -> dict:
    """Make each student's decisions as their pages ask, until ``until()`` is true: propose the
    offer on the table as the form shows it, reject each player's first answer, then accept, pass as
    a stakeholder. Returns how many decisions each made; fails if the game has not got there within
    ``timeout`` seconds."""
    answers = answers if answers is not None else {a: 0 for a in pages}
    made = {a: 0 for a in pages}
    deadline = time.monotonic() + timeout
    while True:
        left = max(deadline - time.monotonic(), 0.1)
        turn = wait_for(
            lambda: "done" if until() else your_turn(pages),
            left,
            "the game to get there (or a student's page to ask for a decision)",
        )
        if turn == "done":
            return made
        actor, button = turn
        page = pages[actor]
        if button == "#propose" and shot is not None:
            shot(page)
            shot = None
        if button == "#accept":  # an offer to answer: reject the first, accept the next
            button = "#reject" if answers[actor] == 0 else "#accept"
            answers[actor] += 1
        decide(page, actor, button)
        made[actor] += 1


def status_is(page, *wanted: str):
    return lambda: page.locator("#status").inner_text() in wanted


def test_a_facilitator_and_two_students_play_a_whole_game_to_the_debrief(browser, tmp_path):
    with LiveServer(tmp_path) as server:
        boss, links = facilitator(browser, server)
        boss.wait_for_selector("#qr-seoul[src^='blob:']")
        pages = {a: student(browser, link) for a, link in links.items()}
        for actor in links:
            boss.wait_for_selector(f"#joined-{actor}:has-text('joined ✓')")
        snap(boss, "facilitator")
        # each student sees its own government's briefing, and nobody else's
        from wargame.scenario import load_scenario

        from .conftest import TEACHING

        briefings = load_scenario(TEACHING).classroom.briefings
        for actor, page in pages.items():
            shown = " ".join(page.inner_text("body").split())
            assert [a for a, text in briefings.items() if " ".join(text.split()) in shown] == [actor]
        boss.click("#start")
        made = play_on(pages, status_is(boss, "complete"), shot=lambda p: snap(p, "player"))
        assert sum(made.values()) >= 3  # an offer, a rejection, an offer, an acceptance at least

        boss.click("#debrief-link")
        boss.wait_for_selector("#verdict:has-text('Deal'), #verdict:has-text('No deal')", timeout=90_000)
        # polled: the pages' CSP forbids the string evaluation Playwright's wait_for_function uses
        wait_for(lambda: boss.locator("#figure").evaluate("img => img.naturalWidth") > 0, 30, "the figure")
        assert boss.locator("[data-percentile=seoul]").inner_text().endswith("%")
        snap(boss, "debrief")
        with boss.expect_download() as download:
            boss.click("#download")
        transcript = yaml.safe_load(Path(download.value.path()).read_text())
        assert transcript["status"] == "complete" and transcript["debrief"] is not None
        assert len(transcript["decisions"]) == sum(made.values())

        # a student's own link opens the same debrief
        pages["washington"].click("#debrief-link")
        pages["washington"].wait_for_selector("[data-percentile=washington]", timeout=30_000)

    # the folder is a terminal game's folder: `wargame debrief` reads it
    from typer.testing import CliRunner

    from wargame.cli import app

    folder = next((tmp_path / "classroom").glob("*-web-seoul+washington"))
    result = CliRunner().invoke(app, ["debrief", str(folder)])
    assert result.exit_code == 0, result.output
    assert "better than" in result.output


def test_a_student_who_closes_the_tab_rejoins_with_the_same_link(browser, tmp_path):
    with LiveServer(tmp_path) as server:
        boss, links = facilitator(browser, server)
        pages = {a: student(browser, link) for a, link in links.items()}
        boss.click("#start")
        seoul = pages["seoul"]
        seoul.wait_for_selector("#propose")  # Seoul opens the talks
        before = seoul.inner_text("#history")
        seoul.context.close()  # the tab (and its whole browser context) is gone
        again = student(browser, links["seoul"])
        again.wait_for_selector("#propose")  # its turn is still waiting for it
        assert again.inner_text("#history") == before
        pages["seoul"] = again
        play_on(pages, status_is(boss, "complete"))


def test_the_server_restarting_mid_game_loses_nothing(browser, tmp_path):
    server = LiveServer(tmp_path).start()
    try:
        boss, links = facilitator(browser, server)
        pages = {a: student(browser, link) for a, link in links.items()}
        boss.click("#start")
        answers = {a: 0 for a in pages}
        made = play_on(pages, lambda: sum(answers.values()) >= 1, answers)
        seoul = Client(server.url, token_of(links["seoul"]))
        state_before = seoul.get("/api/seat").json()
        server.kill()  # no clean shutdown: what is on disk is all there is
        server.start()  # same port, same folder
        state_after = seoul.get("/api/seat").json()
        assert state_after["history"] == state_before["history"]
        assert state_after["ask"] == state_before["ask"]
        # the open pages carry on against the new server, and the game finishes
        more = play_on(pages, status_is(boss, "complete"), answers)
        folder = next((tmp_path / "classroom").glob("*-web-seoul+washington"))
        transcript = yaml.safe_load((folder / "transcript.yaml").read_text())
        assert transcript["status"] == "complete"
        assert len(transcript["decisions"]) == sum(made.values()) + sum(more.values())
    finally:
        server.stop()


def test_a_forged_link_opens_nothing(browser, tmp_path):
    with LiveServer(tmp_path) as server:
        page = browser.new_context(viewport=WIDE).new_page()
        page.goto(f"{server.url}/play#t=not-a-real-token")
        page.wait_for_selector("#error:has-text('not valid')")
        assert page.inner_text("#briefing") == ""
        page.goto(f"{server.url}/#key=wrong")
        page.wait_for_selector("#error:has-text('only the facilitator')")


def test_a_bad_upload_shows_the_clis_message(browser, tmp_path):
    from .conftest import TEACHING

    bad = tmp_path / "bad.yaml"
    bad.write_text(TEACHING.read_text().replace("step: 0.5", "step: -0.5"))
    with LiveServer(tmp_path / "srv") as server:
        page = browser.new_context(viewport=WIDE).new_page()
        page.goto(f"{server.url}/#key={server.key}")
        page.wait_for_selector("option[value='summit_2025.yaml']", state="attached")
        page.set_input_files("#upload", str(bad))
        page.wait_for_selector("#error:has-text('bad.yaml:')")
        assert "issues.troop_level.step" in page.inner_text("#error")


def test_the_explorer_updates_its_distributions_when_a_slider_moves(browser, tmp_path):
    with LiveServer(tmp_path) as server:
        page = browser.new_context(viewport=WIDE).new_page()
        page.goto(f"{server.url}/explore")
        page.wait_for_selector("#error:has-text('facilitator')")  # the explorer is the facilitator's
        page.goto(f"{server.url}/explore#key={server.key}")
        page.reload()
        page.wait_for_selector("body[data-updates='1']", timeout=60_000)
        assert page.inner_text("#deal-rate").endswith("%")
        snap(page, "explorer")
        slider = page.locator("input[data-path='actors.seoul.no_deal_cost']")
        slider.fill("-0.5")
        page.wait_for_selector("body[data-updates='2']", timeout=60_000)
        rounds = page.locator("#episode tbody tr").count()
        assert rounds >= 1
        page.fill("#step", "0")
        page.dispatch_event("#step", "input")
        expect(page.locator("#episode tbody tr")).to_have_count(1, timeout=5_000)
