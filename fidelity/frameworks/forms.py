"""The admin's framework import: upload a workbook or a FHIR Questionnaire, then confirm what
the preview shows."""

from __future__ import annotations

import json

from django import forms
from django.core import signing

from fidelity.frameworks.instrument import (
    MAX_FILE_BYTES,
    Instrument,
    InstrumentFileError,
    instrument_from_data,
    instrument_to_data,
)
from fidelity.frameworks.instrument_files import read_bounded, read_instrument_file

_SALT = "fidelity.frameworks.import"
# Long enough to read a preview of a large instrument; a stale one is simply uploaded again.
PREVIEW_MAX_AGE_SECONDS = 60 * 60


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file (.xlsx or .json)",
        help_text=(
            "An XLSX workbook with sheets Framework, Sections, Indicators, Scale and Bands, or a "
            "FHIR R4 Questionnaire in JSON (or a Bundle of one and its crosswalk as a "
            "ConceptMap), as an export writes them. "
            f"At most {MAX_FILE_BYTES // (1024 * 1024)} MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / (1024 * 1024):.1f} MB; "
                f"the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        try:
            self.instrument = read_instrument_file(read_bounded(upload.chunks()))
        except InstrumentFileError as error:
            raise forms.ValidationError([str(p) for p in error.problems]) from None
        return upload


def preview_token(instrument: Instrument) -> str:
    """The instrument as the preview shows it, signed, so what is confirmed is what was seen."""
    return signing.dumps(json.dumps(instrument_to_data(instrument)), salt=_SALT, compress=True)


class FrameworkConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self) -> str:
        try:
            data = signing.loads(
                self.cleaned_data["token"], salt=_SALT, max_age=PREVIEW_MAX_AGE_SECONDS
            )
            self.instrument = instrument_from_data(json.loads(data))
        except (signing.BadSignature, ValueError, TypeError, KeyError):
            raise forms.ValidationError(
                "This preview has expired or cannot be read. Upload the file again."
            ) from None
        return self.cleaned_data["token"]
