"""The API's reports: each report you may see (reports.selectors.reports_visible_to), its state
and, once built, the API link its current PDF is downloaded from (`reports/<id>/pdf/`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request

from common.api import ReadOnlyViewSet, query_id
from common.downloads import PDF_CONTENT_TYPE
from fidelity.api import QUARTER_PARAMETER, query_quarter
from partners.api import PILOT_PARAMETER
from partners.models import ApiTokenScope

from . import selectors
from .models import Report
from .views import version_pdf_response


class ReportSerializer(serializers.ModelSerializer):
    scope_name = serializers.CharField()
    quarter_slug = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="current_version.number", allow_null=True)
    built_at = serializers.DateTimeField(source="current_version.built_at", allow_null=True)
    pdf = serializers.SerializerMethodField(
        help_text="The current version's PDF in the API (reports/<id>/pdf/); null until built."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "pilot",
            "scope_kind",
            "scope_name",
            "zone",
            "local_authority",
            "organisation",
            "quarter_slug",
            "status",
            "version",
            "built_at",
            "pdf",
        ]

    def get_quarter_slug(self, report: Report) -> str:
        return f"{report.year}-q{report.quarter}"

    def get_pdf(self, report: Report) -> str | None:
        if report.current_version is None:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:report-pdf", args=[report.pk])
        )


class AnyAccept(BaseContentNegotiation):
    """The PDF is a file whatever the caller accepts (asking for a PDF included); its
    errors come as JSON, as every other answer of the API."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER, QUARTER_PARAMETER]))
class ReportViewSet(ReadOnlyViewSet):
    queryset = Report.objects.none()
    serializer_class = ReportSerializer
    required_scope = ApiTokenScope.FIGURES

    def get_queryset(self) -> QuerySet[Report]:
        reports = selectors.reports_visible_to(user=self.request.user)
        pilot = query_id(self.request, "pilot")
        quarter = query_quarter(self.request, "financial")
        if pilot is not None:
            reports = reports.filter(pilot=pilot)
        if quarter is not None:
            reports = reports.filter(year=quarter.year, quarter=quarter.number)
        return reports.order_by("-quarter_index", "scope_kind", "pk")

    @extend_schema(
        responses={
            (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            404: OpenApiResponse(description="Not a report you may see, or not built yet."),
        }
    )
    @action(detail=True, content_negotiation_class=AnyAccept)
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The report's current PDF, as a download named as on the reports page."""
        version = selectors.get_current_version_for_user(
            user=request.user, report_pk=self._report_pk()
        )
        return version_pdf_response(request._request, version)

    def _report_pk(self) -> int:
        pk = self.kwargs[self.lookup_field]
        if not (pk.isascii() and pk.isdigit()) or not 0 < int(pk) < 2**63:
            raise Http404
        return int(pk)
