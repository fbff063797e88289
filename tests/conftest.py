from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "configs" / "scenarios"
BASELINE = SCENARIOS / "summit_2025.yaml"
BILATERAL = SCENARIOS / "bilateral.yaml"
FLEXIBILITY = SCENARIOS / "summit_2025_flexibility.yaml"
BAD = Path(__file__).resolve().parent / "data" / "bad"


@pytest.fixture(scope="session")
def baseline():
    from wargame.scenario import load_scenario

    return load_scenario(BASELINE)


@pytest.fixture(scope="session")
def bilateral():
    from wargame.scenario import load_scenario

    return load_scenario(BILATERAL)
