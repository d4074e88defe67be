"""Publishing an open data pack: a new version each time, never a change to one published."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.quarters import Quarter
from fidelity.opendata import files
from fidelity.opendata.models import OpenDataPack
from fidelity.opendata.selectors import content_fingerprint, open_data_pack_content, pack_versions
from partners import access
from partners.models import Pilot, User

NOTHING_CHANGED = (
    "Nothing has changed since version {version} was published, so there is nothing to correct."
)


def open_data_publish(
    *, pilot: Pilot, quarter: Quarter, user: User, corrects: str = ""
) -> OpenDataPack:
    """Publishes the pack of `pilot`'s `quarter` as its next version.

    Only the pilot's managers may. A second or later version needs `corrects` (what it
    corrects) and is refused when its figures are the same as the latest version's."""
    if not access.is_pilot_manager(user=user, pilot=pilot):
        raise PermissionError("Only the pilot's managers publish its open data.")
    threshold = settings.OPEN_DATA_THRESHOLD
    content = open_data_pack_content(pilot=pilot, quarter=quarter, threshold=threshold)
    fingerprint = content_fingerprint(content)
    corrects = corrects.strip()
    with transaction.atomic():
        # One publisher at a time per pilot, so two clicks cannot both take the same number.
        Pilot.objects.select_for_update().filter(pk=pilot.pk).first()
        latest = (
            OpenDataPack.objects.filter(pilot=pilot, quarter_index=quarter.index)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.fingerprint == fingerprint:
            raise ValidationError(NOTHING_CHANGED.format(version=latest.version))
        if latest is not None and not corrects:
            raise ValidationError(
                {"corrects": f"Say what this version corrects in version {latest.version}."}
            )
        pack = OpenDataPack(
            pilot=pilot,
            year=quarter.year,
            quarter=quarter.number,
            version=latest.version + 1 if latest else 1,
            published_at=timezone.now(),
            published_by=user,
            threshold=threshold,
            content=content,
            fingerprint=fingerprint,
            corrects=corrects if latest else "",
        )
        pack.quarter_index = quarter.index
        history = [*(pack_versions(pack=latest) if latest else []), pack]
        about = {
            "version": pack.version,
            "published": timezone.localdate(pack.published_at),
            "corrects": pack.corrects,
            "history": history,
        }
        pack.csv_text = files.pack_csv(content)
        pack.json_text = files.pack_json(content, **about)
        pack.readme_text = files.pack_readme(content, **about)
        pack.save()
    return pack
