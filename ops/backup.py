"""Back up and restore one pilot's data across every app, with Django's serializers.

`pilot_export` writes every row that belongs to the pilot: rows of any model in partners,
fidelity, forums and reports whose foreign keys lead to the pilot (found by walking the
foreign keys, so a model added later is included without a change here), and the people those
rows refer to, and the framework versions they were scored on (with the versions those continue,
their sections, indicators, scale, bands and crosswalk): a version imported from a workbook or a
FHIR file exists only in the database it was imported into. `pilot_import` loads such a file into
a database where the pilot is absent (deleted by mistake, or a fresh database), keeping primary
keys. Framework rows already there (the migrations' default framework, or a version another pilot
shares) are kept as they are, after checking they are the same version and not another that
happens to have the same key.

Report PDFs are files under MEDIA_ROOT: the export holds their paths, not their bytes (back up
MEDIA_ROOT with the database; a missing PDF is rebuilt by asking for the report again).
"""

from __future__ import annotations

import json
from collections import deque

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from fidelity.dashboards.data_version import pilot_data_changed
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    IndicatorLineage,
    Principle,
    ScaleLevel,
)
from partners.models import Pilot, User

BACKUP_APPS = ["partners", "fidelity", "forums", "reports"]
MAX_DEPTH = 5


class BackupError(Exception):
    pass


def _path_to_pilot(model: type[models.Model], *, nullable: bool = False) -> str | None:
    """The shortest lookup from `model` to its Pilot through foreign keys (not through people),
    or None. Required keys only unless `nullable`: a row reached through an optional key (a
    challenge's shared group) would be missed when that key is empty."""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if path.count("__") >= MAX_DEPTH:
            continue
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            if field.null and not nullable:
                continue
            target = field.related_model
            lookup = f"{path}__{field.name}" if path else field.name
            if target is Pilot:
                return lookup
            if target is User or target in seen or target._meta.app_label not in BACKUP_APPS:
                continue
            seen.add(target)
            queue.append((target, lookup))
    return None


def pilot_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup to the pilot) for every model holding a pilot's rows; shortest path first,
    so parents come before their children."""
    found = []
    for label in BACKUP_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is Pilot or model._meta.proxy or model.__name__.startswith("Historical"):
                continue
            path = _path_to_pilot(model) or _path_to_pilot(model, nullable=True)
            if path is not None:
                found.append((model, path))
    return sorted(found, key=lambda item: (item[1].count("__"), item[0]._meta.label))


def _referenced(rows: list[models.Model], model: type[models.Model]) -> set[int]:
    """The keys of `model` rows that `rows` point to."""
    keys = set()
    for row in rows:
        for field in row._meta.concrete_fields:
            if field.is_relation and field.related_model is model:
                value = getattr(row, field.attname)
                if value is not None:
                    keys.add(value)
    return keys


def _framework_rows(rows: list[models.Model]) -> list[models.Model]:
    """Every framework row behind the pilot's rows, parents first: the versions its rows use,
    and the versions those continue (their crosswalk points into them)."""
    version_ids = _referenced(rows, FrameworkVersion)
    version_ids |= set(
        Principle.objects.filter(pk__in=_referenced(rows, Principle)).values_list(
            "version", flat=True
        )
    )
    version_ids |= set(
        Indicator.objects.filter(pk__in=_referenced(rows, Indicator)).values_list(
            "principle__version", flat=True
        )
    )
    versions: dict[int, FrameworkVersion] = {}
    pending = set(version_ids)
    while pending:
        for version in FrameworkVersion.objects.filter(pk__in=pending):
            versions[version.pk] = version
        pending = {v.previous_id for v in versions.values() if v.previous_id} - set(versions)

    def chain_length(version: FrameworkVersion) -> int:
        return 0 if version.previous_id is None else 1 + chain_length(versions[version.previous_id])

    ordered = sorted(versions.values(), key=lambda v: (chain_length(v), v.pk))
    ids = list(versions)
    return [
        *Framework.objects.filter(pk__in={v.framework_id for v in ordered}).order_by("pk"),
        *ordered,
        *Principle.objects.filter(version__in=ids).order_by("version", "position", "pk"),
        *Indicator.objects.filter(principle__version__in=ids).order_by("pk"),
        *ScaleLevel.objects.filter(version__in=ids).order_by("pk"),
        *Band.objects.filter(version__in=ids).order_by("pk"),
        *IndicatorLineage.objects.filter(version__in=ids).order_by("pk"),
    ]


def _pilot_rows(pilot: Pilot) -> list[models.Model]:
    rows: list[models.Model] = [pilot]
    for model, path in pilot_models():
        rows.extend(model._default_manager.filter(**{path: pilot}).order_by("pk"))
    users = list(User.objects.filter(pk__in=_referenced(rows, User)).order_by("pk"))
    return users + _framework_rows(rows) + rows


def _same_framework_row(stored: models.Model, loaded: models.Model) -> bool:
    """Whether a framework row already in the database is the one the export means: the same
    kind of row with the same identity (name, number, code, value), under the same parent."""
    identity = {
        Framework: ["name"],
        FrameworkVersion: ["framework_id", "number"],
        Principle: ["version_id", "code"],
        Indicator: ["principle_id", "code"],
        ScaleLevel: ["version_id", "value"],
        Band: ["version_id", "slug"],
        IndicatorLineage: ["version_id", "indicator_id"],
    }[type(loaded)]
    return all(getattr(stored, name) == getattr(loaded, name) for name in identity)


def pilot_export(*, slug: str) -> str:
    """The pilot's rows as JSON (Django's serialisation format)."""
    pilot = Pilot.objects.filter(slug=slug).first()
    if pilot is None:
        raise BackupError(f"No pilot with the slug {slug!r}.")
    return serializers.serialize("json", _pilot_rows(pilot), indent=1)


def pilot_import(*, data: str, using: str = DEFAULT_DB_ALIAS) -> int:
    """Loads an export; answers how many rows it saved. Refuses if the pilot is already there.

    People who exist already (same primary key) are left as they are, so a restore never
    overwrites a password or a role someone has been given since."""
    try:
        objects = list(serializers.deserialize("json", data, using=using))
    except (serializers.base.DeserializationError, json.JSONDecodeError) as error:
        raise BackupError(f"This is not a pilot export: {error}") from error
    pilots = [o.object for o in objects if isinstance(o.object, Pilot)]
    if len(pilots) != 1:
        raise BackupError("A pilot export holds exactly one pilot.")
    pilot = pilots[0]
    if (
        Pilot.objects.using(using)
        .filter(models.Q(pk=pilot.pk) | models.Q(slug=pilot.slug))
        .exists()
    ):
        raise BackupError(f"The pilot {pilot.slug!r} is already in this database.")
    existing_users = set(
        User.objects.using(using)
        .filter(pk__in=[o.object.pk for o in objects if isinstance(o.object, User)])
        .values_list("pk", flat=True)
    )
    existing_framework_rows = _existing_framework_rows(objects, using)
    connection = connections[using]
    saved = 0
    with transaction.atomic(using=using):
        with connection.constraint_checks_disabled():
            for item in objects:
                if isinstance(item.object, User) and item.object.pk in existing_users:
                    continue
                if (type(item.object), item.object.pk) in existing_framework_rows:
                    continue
                item.save(using=using)
                saved += 1
        connection.check_constraints()
        _reset_sequences(using, {type(o.object) for o in objects})
        pilot_data_changed(pilot.pk)
    return saved


def _existing_framework_rows(objects: list, using: str) -> set[tuple[type, int]]:
    """The export's framework rows this database has already (kept as they are); a different row
    under the same key is refused, since the pilot's scores would then point at the wrong one."""
    existing = set()
    for model in (
        Framework,
        FrameworkVersion,
        Principle,
        Indicator,
        ScaleLevel,
        Band,
        IndicatorLineage,
    ):
        loaded = {o.object.pk: o.object for o in objects if type(o.object) is model}
        for stored in model._default_manager.using(using).filter(pk__in=loaded):
            if not _same_framework_row(stored, loaded[stored.pk]):
                raise BackupError(
                    f"This database has another {model._meta.verbose_name} under the key "
                    f"{stored.pk} ({stored}) than the export ({loaded[stored.pk]}); "
                    "restore into a database built for this pilot."
                )
            existing.add((model, stored.pk))
    return existing


def _reset_sequences(using: str, model_classes: set) -> None:
    """After rows are saved with their own keys, PostgreSQL's id sequences must move past them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def pilot_delete(*, slug: str) -> None:
    """Removes every row of the pilot (children first); its people stay. For tests and for
    replacing a pilot with a backup."""
    pilot = Pilot.objects.get(slug=slug)
    with transaction.atomic():
        for model, path in reversed(pilot_models()):
            model._default_manager.filter(**{path: pilot}).delete()
        pilot.delete()
