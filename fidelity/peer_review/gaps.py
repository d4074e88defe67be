"""Pure calculation for peer review: the gap between a team's self-assessment and the peer score.

A gap of a whole point or more on the 1 to 4 scale is worth a conversation, so it is flagged.
"""

from __future__ import annotations

from decimal import Decimal

FLAG_AT = Decimal("1")


def gap(self_score: Decimal | None, peer_score: Decimal | None) -> Decimal | None:
    """Peer minus self: negative when the reviewer scored the team lower than it scored itself."""
    if self_score is None or peer_score is None:
        return None
    return Decimal(peer_score) - Decimal(self_score)


def is_flagged(value: Decimal | None) -> bool:
    return value is not None and abs(value) >= FLAG_AT
