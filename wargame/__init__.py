"""peninsula wargame: a strategic wargame and negotiation simulation of the 2025 Lee-Trump summit.

The names below load on first use (PEP 562), so ``import wargame`` and ``wargame --help`` stay
light: nothing heavy (pandas, scipy, matplotlib, Mesa) loads until a command needs it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "Calibration": "wargame.calibration",
    "Discovery": "wargame.discovery",
    "Episode": "wargame.episode",
    "ExperimentResult": "wargame.results",
    "NegotiationModel": "wargame.model",
    "Scenario": "wargame.scenario",
    "SensitivityResult": "wargame.sensitivity",
    "SweepResult": "wargame.sweep",
    "calibrate": "wargame.calibration",
    "discover": "wargame.discovery",
    "load_experiment": "wargame.experiment",
    "load_run": "wargame.results",
    "load_scenario": "wargame.scenario",
    "load_sensitivity": "wargame.sensitivity",
    "run_experiment": "wargame.montecarlo",
    "run_sensitivity": "wargame.sensitivity",
    "run_sweep": "wargame.sweep",
}

__all__ = [
    "Calibration",
    "Discovery",
    "Episode",
    "ExperimentResult",
    "NegotiationModel",
    "Scenario",
    "SensitivityResult",
    "SweepResult",
    "__version__",
    "calibrate",
    "discover",
    "load_experiment",
    "load_run",
    "load_scenario",
    "load_sensitivity",
    "run_experiment",
    "run_sensitivity",
    "run_sweep",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:  # a submodule, as ``wargame.model`` after ``import wargame``
        try:
            return import_module(f"wargame.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'wargame' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:
    from wargame.calibration import Calibration, calibrate
    from wargame.discovery import Discovery, discover
    from wargame.episode import Episode
    from wargame.experiment import load_experiment
    from wargame.model import NegotiationModel
    from wargame.montecarlo import run_experiment
    from wargame.results import ExperimentResult, load_run
    from wargame.scenario import Scenario, load_scenario
    from wargame.sensitivity import SensitivityResult, load_sensitivity, run_sensitivity
    from wargame.sweep import SweepResult, run_sweep
