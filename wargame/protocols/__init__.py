"""Negotiation protocols: how one round goes. Each module exposes ``play_round(model)``."""

from wargame.protocols import alternating_offers, expected_utility

PROTOCOLS = {
    "alternating_offers": alternating_offers.play_round,
    "expected_utility": expected_utility.play_round,
}
