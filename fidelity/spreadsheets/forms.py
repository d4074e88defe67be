"""Upload forms for spreadsheet returns. Sizes are checked here, before any file is opened."""

from __future__ import annotations

from django import forms

from fidelity.spreadsheets.reading import MAX_FILE_BYTES

MAX_FILES = 20
# The whole import: files are held in memory while read one by one, so the request is bounded
# too; a body larger than this (plus room for the form's own fields) is refused whole.
MAX_TOTAL_BYTES = 10 * 1024 * 1024
MAX_REQUEST_BYTES = MAX_TOTAL_BYTES + 512 * 1024
TOO_MUCH = (
    "These files come to {size:.1f} MB; import at most 10 MB at once. Import them in smaller "
    "batches."
)
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
        label=(
            "Filled-in templates, one per team and quarter (.xlsx, at most 2 MB each; up to "
            f"{MAX_FILES} files and 10 MB at once)"
        ),
        error_messages={"required": "Choose one or more filled-in templates to import."},
    )

    @classmethod
    def bind(cls, request) -> PastReturnsForm:
        """The form bound to a POST; a body over the request cap is refused by its declared length,
        before any file is read into memory (Django spools files over
        FILE_UPLOAD_MAX_MEMORY_SIZE to disk, so parsing the body never holds it all)."""
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length <= MAX_REQUEST_BYTES:
            return cls(request.POST, request.FILES)
        form = cls(data={}, files={})
        files = form.fields["files"]
        files.error_messages = {
            **files.error_messages,
            "required": TOO_MUCH.format(size=length / (1024 * 1024)),
        }
        return form

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                f"Import at most {MAX_FILES} files at once; you chose {len(uploads)}."
            )
        total = sum(upload.size for upload in uploads)
        if total > MAX_TOTAL_BYTES:
            raise forms.ValidationError(TOO_MUCH.format(size=total / (1024 * 1024)))
        errors = []
        for upload in uploads:
            try:
                _check_size(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return uploads
