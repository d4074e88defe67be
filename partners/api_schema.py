"""The API's schema class: drf-spectacular's, with the token scopes that open each operation.
Apart from partners.api_tokens, which DRF's own views import through the settings."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from .api_tokens import required_scope, scopes_opening


class ScopedAutoSchema(AutoSchema):
    """Each operation's description ends with the token scopes that open it."""

    def get_description(self) -> str:
        description = super().get_description() or ""
        opening = " or ".join(s.value for s in scopes_opening(required_scope(self.view)))
        return f"{description}\n\nToken scope: {opening}.".strip()
