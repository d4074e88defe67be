"""Upload forms for spreadsheet returns. Sizes are checked here, before any file is opened."""

from __future__ import annotations

from django import forms

from fidelity.spreadsheets.workbook import MAX_FILE_BYTES

MAX_FILES = 40
TOO_BIG = "{name} is {size:.1f} MB; each file can be at most 2 MB. Check it is the return template."


def _check_size(upload) -> None:
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(
            TOO_BIG.format(name=upload.name, size=upload.size / (1024 * 1024))
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise forms.ValidationError(
            f"{upload.name} is not an .xlsx file. Save the template as an Excel workbook (.xlsx)."
        )


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label="Your filled-in template (.xlsx, at most 2 MB)",
        error_messages={"required": "Choose the filled-in template to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        return upload


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ".xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PastReturnsForm(forms.Form):
    files = _MultipleFileField(
        label="Filled-in templates, one per team and quarter (.xlsx, at most 2 MB each)",
        error_messages={"required": "Choose one or more filled-in templates to import."},
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                f"Import at most {MAX_FILES} files at once; you chose {len(uploads)}."
            )
        errors = []
        for upload in uploads:
            try:
                _check_size(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return uploads
