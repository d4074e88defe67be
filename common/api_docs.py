"""The API's schema and its documentation page."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ?format=json), shown as a document rather than
    offered as a file: every file the app serves comes from common.downloads."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        generator = self.generator_class(urlconf=self.urlconf, api_version=version)
        return Response(generator.get_schema(request=request, public=self.serve_public))


@functools.cache
def _reference() -> tuple[dict, list[dict], list[str]]:
    """The schema's title, endpoints and what its security schemes say (the token scopes): the
    same until the code changes, so made once a process."""
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
    schemes = schema.get("components", {}).get("securitySchemes", {}).values()
    return schema["info"], endpoints, [s["description"] for s in schemes if s.get("description")]


@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's reference as a plain page, read from the OpenAPI schema: no script, so the
    strict content security policy needs no exception (and no CDN)."""
    info, endpoints, authentication = _reference()
    return render(
        request,
        "api/docs.html",
        {"endpoints": endpoints, "info": info, "authentication": authentication},
    )
