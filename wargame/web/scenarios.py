"""The scenarios a facilitator may start a session of: the files under the configs folder, named by
file name only (a browser never sends a path), and uploads, validated as a file is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wargame import rundir
from wargame.errors import WargameError
from wargame.scenario import Scenario, load_scenario, validate_scenario
from wargame.schema import load_yaml_text
from wargame.web.refused import Refused

UPLOAD_LIMIT = 256 * 1024  # bytes of an uploaded scenario


class Scenarios:
    """The scenario files under ``configs/scenarios``, and uploads."""

    def __init__(self, configs: Path):
        self.configs = Path(configs)

    def files(self) -> dict[str, Path]:
        """name -> file for every scenario under the configs folder (names are the only thing a
        browser sends: never a path)."""
        folder = self.configs / "scenarios"
        return {p.name: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}

    def named(self, name: Any) -> Scenario:
        """The scenario of file ``name`` (one of :meth:`files`), or a 400."""
        files = self.files()
        if not isinstance(name, str) or name not in files:
            raise Refused(400, f"scenario: '{name}' is not one of {', '.join(files) or 'none'}")
        try:
            return load_scenario(files[name])
        except WargameError as err:
            raise Refused(400, str(err)) from None

    @staticmethod
    def uploaded(upload: Any) -> tuple[Scenario, str]:
        """An uploaded scenario (``{filename, text}``) and its source label, or a 400/413 with the
        message the CLI would give for the same file."""
        if not isinstance(upload, dict) or not isinstance(upload.get("text"), str):
            raise Refused(400, "upload: expected {filename, text}")
        text = upload["text"]
        if len(text.encode()) > UPLOAD_LIMIT:
            raise Refused(413, f"upload: over {UPLOAD_LIMIT // 1024} KB")
        # the file name is only a label: it never becomes a path
        label = rundir.folder_name(str(upload.get("filename") or ""), "upload.yaml")
        source = f"upload:{label}"
        try:
            return validate_scenario(load_yaml_text(text, label), label, text), source
        except WargameError as err:
            raise Refused(400, str(err)) from None

    @staticmethod
    def describe(scenario: Scenario, name: str) -> dict[str, Any]:
        """What the facilitator's page shows of a scenario: its name, and which governments people
        may play (a principal, or a stakeholder with events to trigger)."""
        seats = []
        for actor, spec in scenario.actors.items():
            has_events = any(e.actor == actor for e in scenario.events.values())
            seats.append(
                {
                    "id": actor,
                    "name": spec.name or actor,
                    "role": spec.role,
                    "playable": spec.role == "principal" or has_events,
                }
            )
        return {"file": name, "name": scenario.name, "description": scenario.description, "actors": seats}
