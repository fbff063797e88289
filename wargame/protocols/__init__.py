"""Negotiation protocols (how one round goes), registered here and nowhere else.

The scenario schema's allowed ``protocol:`` and ``variant:`` values, the classroom's check of
what people can play, and the docs all come from :data:`PROTOCOLS`. To add a protocol, write a
:class:`~wargame.protocols.base.NegotiationProtocol` subclass and register it (docs/extending.md).
"""

from wargame.protocols.alternating_offers import AlternatingOffers
from wargame.protocols.base import (
    PROTOCOLS,
    NegotiationProtocol,
    ProtocolTable,
    all_variants,
    register,
)
from wargame.protocols.expected_utility import ExpectedUtility

for _cls in (AlternatingOffers, ExpectedUtility):
    register(_cls)

__all__ = [
    "PROTOCOLS",
    "AlternatingOffers",
    "ExpectedUtility",
    "NegotiationProtocol",
    "ProtocolTable",
    "all_variants",
    "register",
]
