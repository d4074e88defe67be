"""The API's reports: each report you may see (reports.selectors.reports_visible_to), its state
and, once built, the link its PDF is downloaded from (a signed-in page, as on the reports page)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from common.api import ReadOnlyViewSet, query_id
from fidelity.api import QUARTER_PARAMETER, query_quarter
from partners.api import PILOT_PARAMETER

from .models import Report
from .selectors import reports_visible_to


class ReportSerializer(serializers.ModelSerializer):
    scope_name = serializers.CharField()
    quarter_slug = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="current_version.number", allow_null=True)
    built_at = serializers.DateTimeField(source="current_version.built_at", allow_null=True)
    download_url = serializers.SerializerMethodField()

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
            "download_url",
        ]

    def get_quarter_slug(self, report: Report) -> str:
        return f"{report.year}-q{report.quarter}"

    def get_download_url(self, report: Report) -> str | None:
        if report.current_version is None:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("reports:download", args=[report.pk])
        )


@extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER, QUARTER_PARAMETER]))
class ReportViewSet(ReadOnlyViewSet):
    queryset = Report.objects.none()
    serializer_class = ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        reports = reports_visible_to(user=self.request.user)
        pilot = query_id(self.request, "pilot")
        quarter = query_quarter(self.request, "financial")
        if pilot is not None:
            reports = reports.filter(pilot=pilot)
        if quarter is not None:
            reports = reports.filter(year=quarter.year, quarter=quarter.number)
        return reports.order_by("-quarter_index", "scope_kind", "pk")
