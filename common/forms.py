"""Form fields shared by every app, with no domain in them."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The range of a 64-bit signed integer column, the widest id any of our databases holds.
_ID_RANGE = range(-(2**63), 2**63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids no id column can hold with its usual message.

    Without this, a posted id such as 9223372036854775808 reaches the database: SQLite raises
    OverflowError (a 500) where PostgreSQL finds nothing.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: Django's own check answers it
            if number not in _ID_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
