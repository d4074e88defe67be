"""The API's view of the pilot's structure: pilots, zones, local authorities, organisations and
teams, each as the token's person sees them on the pages (partners.access). `?pilot=<id>` keeps
one pilot."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from common.api import ReadOnlyViewSet, query_id

from . import access
from .models import ApiTokenScope, LocalAuthority, Organisation, Pilot, Team, Zone

PILOT_PARAMETER = OpenApiParameter(
    "pilot", OpenApiTypes.INT, description="Only this pilot's (its id)."
)
_BY_PILOT = extend_schema_view(list=extend_schema(parameters=[PILOT_PARAMETER]))


class PilotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pilot
        fields = ["id", "name", "slug", "quarter_convention", "return_deadline_days"]


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "name", "pilot"]


class LocalAuthoritySerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="zone.pilot_id", read_only=True)

    class Meta:
        model = LocalAuthority
        fields = ["id", "name", "slug", "gss_code", "zone", "pilot"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "partnership_role", "pilot"]


class TeamSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="organisation.pilot_id", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "organisation", "pilot", "local_authorities", "is_active"]


class StructureViewSet(ReadOnlyViewSet):
    # The structure is open to tokens of the 'figures' scope too.
    required_scope = ApiTokenScope.FIGURES


def _of_pilot(queryset: QuerySet, request, field: str) -> QuerySet:
    pilot = query_id(request, "pilot")
    return queryset if pilot is None else queryset.filter(**{field: pilot})


@_BY_PILOT
class PilotViewSet(StructureViewSet):
    queryset = Pilot.objects.none()
    serializer_class = PilotSerializer

    def get_queryset(self) -> QuerySet[Pilot]:
        pilots = access.pilots_visible_to(user=self.request.user).order_by("name", "pk")
        return _of_pilot(pilots, self.request, "pk")


@_BY_PILOT
class ZoneViewSet(StructureViewSet):
    queryset = Zone.objects.none()
    serializer_class = ZoneSerializer

    def get_queryset(self) -> QuerySet[Zone]:
        zones = access.zones_visible_to(user=self.request.user).order_by("pilot", "name", "pk")
        return _of_pilot(zones, self.request, "pilot")


@_BY_PILOT
class LocalAuthorityViewSet(StructureViewSet):
    queryset = LocalAuthority.objects.none()
    serializer_class = LocalAuthoritySerializer

    def get_queryset(self) -> QuerySet[LocalAuthority]:
        las = access.local_authorities_visible_to(user=self.request.user).order_by("name", "pk")
        return _of_pilot(las, self.request, "zone__pilot")


@_BY_PILOT
class OrganisationViewSet(StructureViewSet):
    queryset = Organisation.objects.none()
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        organisations = access.organisations_visible_to(user=self.request.user)
        return _of_pilot(organisations.order_by("name", "pk"), self.request, "pilot")


@_BY_PILOT
class TeamViewSet(StructureViewSet):
    queryset = Team.objects.none()
    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        teams = access.teams_visible_to(user=self.request.user).prefetch_related(
            "local_authorities"
        )
        return _of_pilot(teams.order_by("name", "pk"), self.request, "organisation__pilot")
