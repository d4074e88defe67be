"""The API's forum material: challenges and actions of published sessions, of the pilots you
hold a role in (forums.selectors.sessions_visible_to). Drafts stay on the facilitators' pages."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from common.api import ReadOnlyViewSet, query_id
from partners.api import PILOT_PARAMETER
from partners.models import ApiTokenScope

from .models import Action, Challenge, SessionStatus
from .selectors import actions_visible_to, sessions_visible_to


class ChallengeSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="session.series.pilot_id")
    session_date = serializers.DateField(source="session.date")
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "pilot",
            "session",
            "session_date",
            "text",
            "principle_code",
            "themes",
            "local_authorities",
            "organisations",
        ]


class ActionSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="session.series.pilot_id")

    class Meta:
        model = Action
        fields = [
            "id",
            "pilot",
            "session",
            "challenge",
            "what",
            "owner",
            "due_date",
            "status",
            "principle_code",
        ]


def _published(user) -> QuerySet:
    return sessions_visible_to(user=user).filter(status=SessionStatus.PUBLISHED).values("pk")


def _of_pilot(queryset: QuerySet, request) -> QuerySet:
    pilot = query_id(request, "pilot")
    return queryset if pilot is None else queryset.filter(session__series__pilot=pilot)


@extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER]))
class ChallengeViewSet(ReadOnlyViewSet):
    queryset = Challenge.objects.none()
    serializer_class = ChallengeSerializer
    required_scope = ApiTokenScope.FIGURES

    def get_queryset(self) -> QuerySet[Challenge]:
        challenges = (
            Challenge.objects.filter(session__in=_published(self.request.user))
            .select_related("session__series")
            .prefetch_related("themes", "local_authorities", "organisations")
            .order_by("-session__date", "pk")
        )
        return _of_pilot(challenges, self.request)


@extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER]))
class ActionViewSet(ReadOnlyViewSet):
    queryset = Action.objects.none()
    serializer_class = ActionSerializer
    required_scope = ApiTokenScope.FIGURES

    def get_queryset(self) -> QuerySet[Action]:
        actions = actions_visible_to(user=self.request.user).filter(
            session__in=_published(self.request.user)
        )
        return _of_pilot(actions.order_by("-session__date", "pk"), self.request)
