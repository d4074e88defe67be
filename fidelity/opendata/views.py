"""Open data pages: the manager's preview and publish page, and the public list, pack pages and
files (no sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from common.downloads import CSV_CONTENT_TYPE, JSON_CONTENT_TYPE, file_response
from fidelity.opendata import files
from fidelity.opendata.forms import PublishForm
from fidelity.opendata.models import OpenDataPack
from fidelity.opendata.selectors import (
    SUMMARY_KEYS,
    every_published_pack,
    latest_pack,
    open_data_pack_preview,
    pack_versions,
    publishable_quarters,
    published_pack,
    published_packs,
    published_table,
)
from fidelity.opendata.services import open_data_publish
from partners import access

# A published file never changes, so browsers and caches may keep it for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


def open_data_manage(request: HttpRequest) -> HttpResponse:
    """A pilot manager previews a quarter's pack, with what will be withheld, and publishes it."""
    pilots = list(access.pilots_managed_by(user=request.user))
    requested = request.POST.get("pilot") or request.GET.get("pilot")
    pilot = access.pilot_in_view(
        user=request.user, requested=requested, pilots=pilots, fall_back=False
    )
    if pilot is None:
        raise Http404("No such pilot.")
    default, quarters = publishable_quarters(pilot=pilot)
    wanted = request.GET.get("quarter", "")
    quarter = next((q for q in quarters if q.slug == wanted), default)
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        quarters=quarters,
        initial={"quarter": quarter.slug},
    )
    if request.method == "POST" and form.is_valid():
        quarter = form.quarter_value()
        try:
            pack = open_data_publish(
                pilot=pilot,
                quarter=quarter,
                user=request.user,
                corrects=form.cleaned_data["corrects"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Published {pack}.")
            return redirect(pack.get_absolute_url())
    elif form.is_bound and "quarter" in form.cleaned_data:
        quarter = form.quarter_value()
    preview = open_data_pack_preview(
        pilot=pilot, quarter=quarter, threshold=settings.OPEN_DATA_THRESHOLD
    )
    return render(
        request,
        "fidelity/opendata/manage.html",
        {
            "pilot": pilot,
            "pilots": pilots,
            "quarter": quarter,
            "quarters": quarters,
            "form": form,
            "preview": preview,
            "latest": latest_pack(pilot=pilot, quarter=quarter),
            "published": [(p, p.get_absolute_url()) for p in published_packs(pilot=pilot)],
            "threshold": settings.OPEN_DATA_THRESHOLD,
        },
    )


@login_not_required
@require_GET
def open_data_list(request: HttpRequest) -> HttpResponse:
    packs = every_published_pack()
    return render(
        request,
        "fidelity/opendata/list.html",
        {
            "packs": [(p, p.get_absolute_url()) for p in packs],
            "manages": access.pilots_managed_by(user=request.user).exists(),
        },
    )


@login_not_required
@require_GET
def open_data_pack(
    request: HttpRequest, pilot_slug: str, quarter_slug: str, version: int
) -> HttpResponse:
    pack = published_pack(pilot_slug=pilot_slug, quarter_slug=quarter_slug, version=version)
    columns, rows = published_table(content=pack.content, keys=SUMMARY_KEYS)
    return render(
        request,
        "fidelity/opendata/pack.html",
        {
            "pack": pack,
            "files": [
                (name, pack.get_absolute_url(name)) for name in (*files.FILE_NAMES, "pack.zip")
            ],
            "versions": [(v, v.get_absolute_url()) for v in _all_versions(pack)],
            "columns": columns,
            "rows": rows,
        },
    )


def _all_versions(pack: OpenDataPack) -> list[OpenDataPack]:
    later = OpenDataPack.objects.filter(
        pilot_id=pack.pilot_id, quarter_index=pack.quarter_index, version__gt=pack.version
    ).order_by("version")
    versions = [*pack_versions(pack=pack), *later]
    for v in versions:
        v.pilot = pack.pilot
    return versions


@login_not_required
@require_GET
def open_data_file(
    request: HttpRequest, pilot_slug: str, quarter_slug: str, version: int, name: str
) -> HttpResponse:
    pack = published_pack(pilot_slug=pilot_slug, quarter_slug=quarter_slug, version=version)
    stem = f"{pack.pilot.slug}-{pack.quarter_value.slug}-v{pack.version}"
    if name == "pack.csv":
        response = file_response(
            filename=f"{stem}.csv",
            content=pack.csv_text.encode("utf-8"),
            content_type=CSV_CONTENT_TYPE,
        )
    elif name == "pack.json":
        response = file_response(
            filename=f"{stem}.json",
            content=pack.json_text.encode("utf-8"),
            content_type=JSON_CONTENT_TYPE,
        )
    elif name == "README.txt":
        response = file_response(
            filename=f"{stem}-README.txt",
            content=pack.readme_text.encode("utf-8"),
            content_type="text/plain; charset=utf-8",
            inline=True,
        )
    elif name == "pack.zip":
        response = file_response(
            filename=f"{stem}.zip",
            content=files.pack_zip(
                csv_text=pack.csv_text, json_text=pack.json_text, readme_text=pack.readme_text
            ),
            content_type="application/zip",
        )
    else:
        raise Http404("No such file.")
    response["Cache-Control"] = IMMUTABLE
    return response
