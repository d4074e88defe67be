"""The API's fidelity resources: frameworks, quarters with completeness, returns, improvement
actions and figures, each read through the selectors the pages use (docs/api.md).

Figures are the dashboard's (`fidelity.dashboards.selectors.pilot_dashboard`), only put in JSON:
nothing here computes a score, band or completeness.
"""

from __future__ import annotations

import json

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ReadOnlyApiView, ReadOnlyViewSet, query_choice, query_id
from common.quarters import Quarter
from fidelity.dashboards.figures import (
    Completeness,
    ScoreCell,
    default_quarter,
    framework_info,
    principle_trends,
)
from fidelity.dashboards.groups import GROUPINGS
from fidelity.dashboards.selectors import pilot_dashboard
from fidelity.frameworks.fhir import (
    instrument_concept_map,
    instrument_questionnaire,
    questionnaire_canonical,
)
from fidelity.frameworks.models import FrameworkVersion, Principle
from fidelity.frameworks.selectors import (
    current_framework_version,
    framework_instrument,
    version_codes,
)
from fidelity.improvement.models import ImprovementAction
from fidelity.returns.models import IndicatorScore, QAReturn
from fidelity.returns.selectors import returns_visible_to
from partners import access
from partners.api import PILOT_PARAMETER
from partners.models import ApiTokenScope, Pilot

FIRST_YEAR = 2000
QUARTER_PARAMETER = OpenApiParameter(
    "quarter", OpenApiTypes.STR, description="A quarter's slug, e.g. 2026-q1."
)


def query_quarter(request: Request, convention: str) -> Quarter | None:
    """The quarter `?quarter=` names, None when absent; a 400 for anything that is not one."""
    slug = request.query_params.get("quarter")
    if not slug:
        return None
    try:
        quarter = Quarter.from_slug(slug, convention)
    except ValueError:
        quarter = None
    # Far-off years are no one's data, and the dashboard's trends reach eight quarters back.
    if quarter is None or not FIRST_YEAR <= quarter.year <= timezone.localdate().year + 1:
        raise ValidationError({"quarter": f"Not a quarter: {slug[:40]!r}; e.g. 2026-q1."})
    return quarter


def _managed_pilot(request: Request) -> Pilot:
    """The pilot `?pilot=` names among those this person manages (default: their first); 404
    for anyone who manages none, as the dashboard."""
    requested = query_id(request, "pilot")
    pilot = access.pilot_in_view(user=request.user, requested=str(requested or ""), fall_back=False)
    if pilot is None:
        raise Http404("No pilot you manage.")
    return pilot


# --- Frameworks ---------------------------------------------------------------------------------


class PrincipleSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Principle
        fields = ["code", "title", "description", "indicators"]

    def get_indicators(self, principle: Principle) -> list[dict[str, str]]:
        return [{"code": i.code, "text": i.text} for i in principle.indicators.all()]


class FrameworkVersionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="framework.name")
    sections = PrincipleSerializer(source="principles", many=True)
    bands = serializers.SerializerMethodField()
    scale = serializers.SerializerMethodField()
    questionnaire = serializers.SerializerMethodField(
        help_text="The FHIR Questionnaire's canonical URL (url|version); the resource itself is "
        "at frameworks/<id>/questionnaire/."
    )

    class Meta:
        model = FrameworkVersion
        fields = [
            "id",
            "name",
            "number",
            "created",
            "section_word",
            "questionnaire",
            "sections",
            "bands",
            "scale",
        ]

    def get_questionnaire(self, version: FrameworkVersion) -> str:
        return questionnaire_canonical(framework_name=version.framework.name, number=version.number)

    def get_bands(self, version: FrameworkVersion) -> list[dict[str, str]]:
        return [
            {"name": b.name, "slug": b.slug, "minimum": str(b.minimum)}
            for b in version.bands.order_by("-minimum")
        ]

    def get_scale(self, version: FrameworkVersion) -> list[dict[str, str]]:
        return [{"value": s.value, "label": s.label} for s in version.scale.order_by("value")]


class FrameworkViewSet(ReadOnlyViewSet):
    """The framework versions of the pilots this person sees, and of the returns they see."""

    queryset = FrameworkVersion.objects.none()
    serializer_class = FrameworkVersionSerializer
    required_scope = ApiTokenScope.FIGURES

    def get_queryset(self) -> QuerySet[FrameworkVersion]:
        user = self.request.user
        ids = {current_framework_version(pilot=p).pk for p in access.pilots_visible_to(user=user)}
        ids |= set(returns_visible_to(user=user).values_list("framework_version", flat=True))
        return (
            FrameworkVersion.objects.filter(pk__in=ids)
            .select_related("framework")
            .prefetch_related("principles__indicators")
            .order_by("framework__name", "number")
        )

    @extend_schema(responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT})
    @action(detail=True)
    def questionnaire(self, request: Request, pk: str | None = None) -> Response:
        """The framework version as a FHIR R4 Questionnaire (docs/exchange.md)."""
        version = self.get_object()
        data = instrument_questionnaire(
            framework_instrument(version=version), number=version.number
        )
        return Response(json.loads(data))

    @extend_schema(responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT})
    @action(detail=True)
    def crosswalk(self, request: Request, pk: str | None = None) -> Response:
        """How the version continues the one before it, as a FHIR R4 ConceptMap from that
        version's section and indicator codes to this one's (docs/exchange.md); 404 when it
        continues none."""
        version = self.get_object()
        if version.previous is None:
            raise Http404("This version continues no earlier version.")
        old_sections, old_indicators = version_codes(version=version.previous)
        data = instrument_concept_map(
            framework_instrument(version=version),
            number=version.number,
            old_sections=old_sections,
            old_indicators=old_indicators,
        )
        return Response(json.loads(data))


# --- Quarters -----------------------------------------------------------------------------------


def _completeness(completeness: Completeness) -> dict:
    return {
        "counted": completeness.counted,
        "expected": completeness.expected,
        "provisional": completeness.provisional,
        "text": str(completeness),
    }


CompletenessSchema = inline_serializer(
    "Completeness",
    {
        "counted": serializers.IntegerField(),
        "expected": serializers.IntegerField(),
        "provisional": serializers.IntegerField(),
        "text": serializers.CharField(),
    },
)


@extend_schema(
    parameters=[PILOT_PARAMETER],
    responses=inline_serializer(
        "QuarterList",
        {
            "pilot": serializers.IntegerField(),
            "default_quarter": serializers.CharField(),
            "results": inline_serializer(
                "Quarter",
                {
                    "slug": serializers.CharField(),
                    "label": serializers.CharField(),
                    "start": serializers.DateField(),
                    "end": serializers.DateField(),
                    "deadline": serializers.DateField(),
                    "overall": serializers.DecimalField(4, 2, allow_null=True),
                    "completeness": CompletenessSchema,
                },
                many=True,
            ),
        },
    ),
)
class QuarterView(ReadOnlyApiView):
    """The last eight quarters of a pilot you manage, newest last, with the pilot's overall
    score and completeness as the dashboard's trends show them."""

    required_scope = ApiTokenScope.FIGURES

    def get(self, request: Request) -> Response:
        pilot = _managed_pilot(request)
        today = timezone.localdate()
        current = Quarter.containing(today, pilot.quarter_convention)
        trends = principle_trends(pilot=pilot, quarter=current)
        return Response(
            {
                "pilot": pilot.pk,
                "default_quarter": default_quarter(pilot=pilot, today=today).slug,
                "results": [
                    {
                        "slug": q.slug,
                        "label": q.label,
                        "start": q.start,
                        "end": q.end,
                        "deadline": q.deadline(pilot.return_deadline_days),
                        "overall": trends.overall[i],
                        "completeness": _completeness(trends.completeness[i]),
                    }
                    for i, q in enumerate(trends.quarters)
                ],
            }
        )


# --- Returns ------------------------------------------------------------------------------------


class IndicatorScoreSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = IndicatorScore
        # Evidence: whoever may open a return (returns_visible_to) may read it, as on its page.
        fields = ["indicator", "score", "not_assessed", "not_assessed_reason", "evidence"]


class ReturnSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="team.organisation.pilot_id")
    quarter_slug = serializers.SerializerMethodField()
    section_scores = serializers.SerializerMethodField()

    class Meta:
        model = QAReturn
        fields = [
            "id",
            "team",
            "pilot",
            "quarter_slug",
            "year",
            "quarter",
            "status",
            "deadline",
            "submitted_at",
            "approved_at",
            "framework_version",
            "overall_score",
            "section_scores",
        ]

    def get_quarter_slug(self, qa_return: QAReturn) -> str:
        return f"{qa_return.year}-q{qa_return.quarter}"

    def get_section_scores(self, qa_return: QAReturn) -> dict[str, str | None]:
        return {
            s.principle_code: None if s.score is None else str(s.score)
            for s in qa_return.principle_scores.all()
        }


class ReturnDetailSerializer(ReturnSerializer):
    scores = IndicatorScoreSerializer(many=True)

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "scores"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PILOT_PARAMETER,
            QUARTER_PARAMETER,
            OpenApiParameter("team", OpenApiTypes.INT, description="Only this team's."),
        ]
    )
)
class ReturnViewSet(ReadOnlyViewSet):
    """Returns you may open: your team's, or every team's in the pilots you manage. The list has
    status and scores; one return adds its indicator scores with their evidence."""

    queryset = QAReturn.objects.none()
    required_scope = ApiTokenScope.READ  # evidence text

    def get_serializer_class(self):
        return ReturnDetailSerializer if self.action == "retrieve" else ReturnSerializer

    def get_queryset(self) -> QuerySet[QAReturn]:
        returns = returns_visible_to(user=self.request.user).prefetch_related("principle_scores")
        if self.action == "retrieve":
            return returns.prefetch_related("scores__indicator")
        pilot = query_id(self.request, "pilot")
        team = query_id(self.request, "team")
        quarter = query_quarter(self.request, "financial")
        if pilot is not None:
            returns = returns.filter(team__organisation__pilot=pilot)
        if team is not None:
            returns = returns.filter(team=team)
        if quarter is not None:
            returns = returns.filter(year=quarter.year, quarter=quarter.number)
        return returns.order_by("-quarter_index", "team__name", "pk")


# --- Improvement actions --------------------------------------------------------------------------


class ImprovementActionSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    target_quarter = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "team",
            "qa_return",
            "principle_code",
            "indicator",
            "no_action",
            "no_action_reason",
            "what",
            "owner",
            "target_quarter",
            "status",
            "update_note",
            "updated",
        ]

    def get_target_quarter(self, action: ImprovementAction) -> str | None:
        return action.target_quarter.slug if action.target_quarter else None


@extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER, QUARTER_PARAMETER]))
class ImprovementActionViewSet(ReadOnlyViewSet):
    """Improvement actions on the returns you may open."""

    queryset = ImprovementAction.objects.none()
    serializer_class = ImprovementActionSerializer
    required_scope = ApiTokenScope.READ

    def get_queryset(self) -> QuerySet[ImprovementAction]:
        actions = ImprovementAction.objects.filter(
            qa_return__in=returns_visible_to(user=self.request.user).values("pk")
        ).select_related("indicator", "team__organisation__pilot")
        pilot = query_id(self.request, "pilot")
        quarter = query_quarter(self.request, "financial")
        if pilot is not None:
            actions = actions.filter(team__organisation__pilot=pilot)
        if quarter is not None:
            actions = actions.filter(
                qa_return__year=quarter.year, qa_return__quarter=quarter.number
            )
        return actions.order_by("-qa_return__quarter_index", "team__name", "principle_code", "pk")


# --- Figures ------------------------------------------------------------------------------------


def _cell(cell: ScoreCell) -> dict:
    return {
        "score": cell.score,
        "band": cell.band,
        "band_name": cell.band_name,
        "change": cell.change,
        "change_note": cell.change_note,
    }


CellSchema = inline_serializer(
    "FigureCell",
    {
        "score": serializers.DecimalField(4, 2, allow_null=True),
        "band": serializers.CharField(allow_null=True),
        "band_name": serializers.CharField(allow_null=True),
        "change": serializers.DecimalField(4, 2, allow_null=True),
        "change_note": serializers.CharField(),
    },
)


@extend_schema(
    parameters=[
        PILOT_PARAMETER,
        OpenApiParameter("quarter", OpenApiTypes.STR, description="Default: the dashboard's."),
        OpenApiParameter("by", OpenApiTypes.STR, enum=list(GROUPINGS), default="la"),
    ],
    responses=inline_serializer(
        "Figures",
        {
            "pilot": serializers.IntegerField(),
            "quarter": serializers.CharField(),
            "quarter_label": serializers.CharField(),
            "by": serializers.CharField(),
            "sections": serializers.ListField(child=serializers.DictField()),
            "results": inline_serializer(
                "FigureRow",
                {
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "parent": serializers.CharField(allow_null=True),
                    "overall": serializers.DecimalField(4, 2, allow_null=True),
                    "scores": serializers.DictField(
                        child=serializers.DecimalField(4, 2, allow_null=True)
                    ),
                    "provisional": serializers.BooleanField(),
                    "completeness": CompletenessSchema,
                    "cells": serializers.DictField(child=CellSchema),
                },
                many=True,
            ),
        },
    ),
)
class FigureView(ReadOnlyApiView):
    """The dashboard's heat map for one quarter (default: the dashboard's, the latest past its
    deadline), by local authority, zone, organisation or team: the overall score and one per
    section code, each with its band and change, and the completeness of each row (a row is
    provisional when a submitted, not yet approved, return counts in it). Pilot managers only."""

    required_scope = ApiTokenScope.FIGURES

    def get(self, request: Request) -> Response:
        by = query_choice(request, "by", tuple(GROUPINGS), "la")
        pilot = _managed_pilot(request)
        quarter = query_quarter(request, pilot.quarter_convention) or default_quarter(pilot=pilot)
        framework = framework_info(pilot=pilot)
        heatmap = pilot_dashboard(
            pilot=pilot, quarter=quarter, framework=framework, heatmaps=(by,)
        ).heatmaps[by]
        return Response(
            {
                "pilot": pilot.pk,
                "quarter": quarter.slug,
                "quarter_label": quarter.label,
                "by": by,
                "sections": [{"code": p.code, "title": p.title} for p in heatmap.principles],
                "results": [
                    {
                        "id": row.pk,
                        "name": row.name,
                        "parent": row.parent,
                        "overall": row.overall.score,
                        "scores": {c.code: c.cell.score for c in row.cells},
                        "provisional": row.completeness.provisional > 0,
                        "completeness": _completeness(row.completeness),
                        "cells": {
                            "overall": _cell(row.overall),
                            **{c.code: _cell(c.cell) for c in row.cells},
                        },
                    }
                    for row in heatmap.rows
                ],
            }
        )
