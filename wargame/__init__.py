"""peninsula wargame: a strategic wargame and negotiation simulation of the 2025 Lee-Trump summit."""

from wargame.episode import Episode
from wargame.model import NegotiationModel
from wargame.scenario import Scenario, load_scenario

__version__ = "0.1.0"
__all__ = ["Episode", "NegotiationModel", "Scenario", "__version__", "load_scenario"]
