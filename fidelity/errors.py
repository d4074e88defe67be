"""Errors the fidelity services raise for views, commands and the API to show. Messages are for users."""

from __future__ import annotations


class WorkflowError(Exception):
    """A move the return's state or the person's role does not allow. The message is for users."""


class SubmitError(WorkflowError):
    """A return that is not complete or consistent. `errors` maps a place to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(
            f"The return cannot be submitted yet: {len(errors)} "
            f"{'thing needs' if len(errors) == 1 else 'things need'} fixing."
        )
