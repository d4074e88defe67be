"""The API's documentation page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator


@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's reference as a plain page, read from the OpenAPI schema: no script, so the
    strict content security policy needs no exception (and no CDN)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("description", "").strip(),
            "parameters": [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "description": p.get("description", ""),
                    "enum": p.get("schema", {}).get("enum", []),
                }
                for p in operation.get("parameters", [])
            ],
        }
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]
    return render(request, "api/docs.html", {"endpoints": endpoints, "info": schema["info"]})
