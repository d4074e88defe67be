"""The files of an open data pack: `pack.csv`, `pack.json`, `README.txt` and a zip of the three.

The texts are made once, when the pack is published, and stored with it, so a file never changes
after its first download; the zip is made from the stored texts with fixed dates, so it is the
same bytes every time. The CSV goes through `common.downloads` (formula escaping, BOM).
"""

from __future__ import annotations

import datetime
import io
import json
import textwrap
import zipfile
from collections.abc import Sequence

from django.utils import timezone

from common.downloads import Table, csv_bytes
from fidelity.opendata.selectors import AREA_TYPES, NOT_AVAILABLE, OPEN_DATA_DOC, SYMBOLS, WITHHELD

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
CSV_SYMBOL = {WITHHELD: "[c]", NOT_AVAILABLE: "[x]"}
CSV_HEADERS = [
    "quarter",
    "area_type",
    "area_code",
    "area_name",
    "zone",
    "measure",
    "measure_label",
    "value",
    "unit",
    "marker",
]
FILE_NAMES = ("pack.csv", "pack.json", "README.txt")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _flat_rows(content: dict) -> list[dict]:
    areas = {a["key"]: a for a in content["areas"]}
    measures = {m["key"]: m for m in content["measures"]}
    return [
        {
            "quarter": content["quarter"]["label"],
            "area_type": areas[row["area"]]["type"],
            "area_code": areas[row["area"]]["code"],
            "area_name": areas[row["area"]]["name"],
            "zone": areas[row["area"]]["zone"],
            "measure": row["measure"],
            "measure_label": measures[row["measure"]]["label"],
            "value": row["value"],
            "unit": measures[row["measure"]]["unit"],
            "marker": row["marker"],
        }
        for row in content["rows"]
    ]


def pack_csv(content: dict) -> str:
    """Long ("tidy") format, one value a row; a withheld value is "[c]", a missing one "[x]"."""
    decimals = {m["key"] for m in content["measures"] if m["kind"] in ("score", "share")}
    rows = []
    for row in _flat_rows(content):
        value = CSV_SYMBOL.get(row["marker"], row["value"])
        if row["measure"] in decimals and not row["marker"]:
            value = f"{value:.2f}"
        rows.append([value if key == "value" else row[key] for key in CSV_HEADERS])
    return csv_bytes(Table(title="Open data", headers=CSV_HEADERS, rows=rows)).decode("utf-8")


def pack_json(
    content: dict, *, version: int, published: datetime.date, corrects: str, history: Sequence
) -> str:
    document = {
        "title": f"Housing First fidelity open data: {content['pilot']['name']}, "
        f"{content['quarter']['label']}",
        "pilot": content["pilot"],
        "quarter": content["quarter"],
        "version": version,
        "published": published.isoformat(),
        "corrects": corrects,
        "versions": [
            {
                "version": v.version,
                "published": timezone.localdate(v.published_at).isoformat(),
                "corrects": v.corrects,
            }
            for v in history
        ],
        "threshold": content["threshold"],
        "suppression": (
            f"Counts from 1 to {content['threshold'] - 1} are withheld, and further counts where "
            "a withheld one could otherwise be worked out from the others. A withheld value is "
            "null with marker 'c'; a value not available is null with marker 'x'."
        ),
        "symbols": SYMBOLS,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL, "attribution": ATTRIBUTION},
        "measures": content["measures"],
        "areas": content["areas"],
        "data": _flat_rows(content),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _wrap(line: str) -> str:
    """Paragraphs to 78 columns; the licence's words and address stay whole, to be found."""
    if line in (ATTRIBUTION, LICENCE_URL):
        return line
    indent = "  " if line.startswith("- ") else ""
    return textwrap.fill(line, width=78, subsequent_indent=indent) if line else ""


def pack_readme(
    content: dict, *, version: int, published: datetime.date, corrects: str, history: Sequence
) -> str:
    pilot, quarter, threshold = content["pilot"], content["quarter"], content["threshold"]
    types = ", ".join(AREA_TYPES)
    lines = [
        f"Housing First fidelity open data: {pilot['name']}, {quarter['label']}",
        f"Version {version}, published {published:%-d %B %Y}",
        "",
        "WHAT THIS IS",
        f"Aggregate figures for the quarter {quarter['label']} ({quarter['start']} to "
        f"{quarter['end']}) from the quarterly quality assurance returns of the Housing First "
        f"teams of {pilot['name']}: fidelity scores by section, how complete the returns are, "
        "caseload counts and the share of tenancies that ended for an unknown reason. Figures "
        f"are given for the pilot, each zone and each local authority (area_type: {types}); "
        "local authorities carry their ONS GSS code in area_code.",
        "",
        "FILES",
        "pack.csv    one value a row (long format), to filter or pivot.",
        "pack.json   the same values, with what each measure counts and the licence.",
        "README.txt  this file.",
        "",
        "HOW EACH FIGURE IS COUNTED",
        "The figures are the ones the pilot's dashboard shows, counted as "
        "docs/figures.md in the tracker's source defines them. Only submitted (provisional) and "
        "approved returns count; draft and sent-back returns never do. A local authority's "
        "figures cover the teams that serve it, a zone's the teams serving any of its local "
        "authorities (each team once), the pilot's every team. A team serving two local "
        "authorities counts in both, so local authorities need not add up to their zone; where "
        "they do, or zones add up to the pilot, the suppression below takes it into account.",
        "",
        *(f"- {m['key']} ({m['unit']}): {m['definition']}" for m in content["measures"]),
        "",
        "Scores are means over teams (1 to 4), not counts of people, and are never withheld. "
        "Completeness counts teams, not people, and is never withheld either.",
        "",
        "SUPPRESSION OF SMALL COUNTS",
        f"So that no person can be identified, each caseload count from 1 to {threshold - 1} is "
        "withheld (primary suppression). Zero is published: it identifies no one. Then, "
        "wherever a withheld count could be worked out by adding and subtracting published "
        "counts (from a total and its parts, or any other combination), the smallest further "
        "count needed is withheld too (secondary suppression), until no withheld count can be "
        "worked out. Which withheld counts are small is not said. The unknown-outcome share is "
        "withheld when either of its counts is.",
        "",
        "In pack.csv a withheld value is written [c] (confidential) and a value not "
        "available (no counted return, or no score) [x], as the Government Statistical "
        "Service's symbols. In pack.json both are null, with marker 'c' or 'x'.",
        "",
        "VERSIONS",
        "A published pack never changes; a correction is published as a new version.",
        *(
            f"v{v.version}, {timezone.localdate(v.published_at):%-d %B %Y}: "
            + (v.corrects if v.version > 1 else "first publication.")
            for v in history
        ),
        "",
        "LICENCE",
        f"{ATTRIBUTION}",
        f"{LICENCE_URL}",
        "",
        f"More about these packs: {OPEN_DATA_DOC} in the tracker's source.",
    ]
    if corrects and version > 1:
        lines[2:2] = [f"This version corrects: {corrects}", ""]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def pack_zip(*, csv_text: str, json_text: str, readme_text: str) -> bytes:
    """The three files in a zip, with fixed dates so the same pack is the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in zip(FILE_NAMES, (csv_text, json_text, readme_text), strict=True):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
