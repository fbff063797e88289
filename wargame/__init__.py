"""peninsula wargame: a strategic wargame and negotiation simulation of the 2025 Lee-Trump summit."""

__version__ = "0.1.0"

from wargame.episode import Episode
from wargame.experiment import load_experiment
from wargame.model import NegotiationModel
from wargame.montecarlo import ExperimentResult, load_run, run_experiment
from wargame.scenario import Scenario, load_scenario
from wargame.sensitivity import SensitivityResult, SweepResult, load_sensitivity, run_sensitivity, run_sweep

__all__ = [
    "Episode",
    "ExperimentResult",
    "NegotiationModel",
    "Scenario",
    "SensitivityResult",
    "SweepResult",
    "__version__",
    "load_experiment",
    "load_run",
    "load_scenario",
    "load_sensitivity",
    "run_experiment",
    "run_sensitivity",
    "run_sweep",
]
