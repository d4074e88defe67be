"""The pilot's structure and the people who work in it.

A pilot has zones, zones group local authorities, organisations in the partnership run teams, and a
team serves one or more local authorities. What a person may do comes from their role assignments.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. What they may see comes from `RoleAssignment`, not from this row."""

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.is_superuser

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class QuarterConvention(models.TextChoices):
    FINANCIAL = "financial", "UK financial year (Q1 = April to June)"
    CALENDAR = "calendar", "Calendar year (Q1 = January to March)"


class Pilot(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    quarter_convention = models.CharField(
        max_length=10, choices=QuarterConvention.choices, default=QuarterConvention.FINANCIAL
    )
    return_deadline_days = models.PositiveSmallIntegerField(
        default=20, help_text="Days after a quarter ends by which its return is due."
    )
    # What the privacy notice and accessibility statement (/privacy/, /accessibility/) say.
    data_controller = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation responsible for the pilot's data (the data controller).",
    )
    privacy_contact = models.EmailField(
        blank=True, help_text="Where people send privacy questions and subject access requests."
    )
    accessibility_contact = models.EmailField(
        blank=True, help_text="Where people report accessibility problems or ask for other formats."
    )
    accessibility_reviewed = models.DateField(
        null=True, blank=True, help_text="When the accessibility statement was last reviewed."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)


class Zone(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["pilot", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="zone_unique_name_per_pilot")
        ]

    def __str__(self) -> str:
        return self.name


# The Office for National Statistics' code for a local authority (GSS code): the country's
# letter (England, Wales, Scotland, Northern Ireland) and eight digits, e.g. E08000003 for
# Manchester. Councils' own tools and open data join on it, not on names.
gss_code_validator = RegexValidator(
    r"^[EWSN][0-9]{8}$",
    message=("Enter the ONS GSS code as a capital E, W, S or N and eight digits, e.g. E08000003."),
)


class LocalAuthority(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="local_authorities")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        blank=True,
        validators=[gss_code_validator],
        help_text="The ONS code of the local authority, e.g. E08000003 for Manchester.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="la_unique_name_per_zone"),
            models.UniqueConstraint(
                fields=["gss_code"],
                condition=~models.Q(gss_code=""),
                name="la_gss_code_unique_when_set",
                violation_error_message="Another local authority already has this GSS code.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)


class PartnershipRole(models.TextChoices):
    LEAD_PROVIDER = "lead", "Lead provider"
    HOUSING_ASSOCIATION = "housing", "Housing association"
    SUPPORT_PROVIDER = "support", "Support provider"
    MENTAL_HEALTH = "mental_health", "Specialist mental health provider"
    SUBSTANCE_USE = "substance_use", "Specialist substance-use provider"
    OTHER = "other", "Other partner"


class Organisation(models.Model):
    """A partner organisation in a pilot's partnership."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    partnership_role = models.CharField(
        max_length=20, choices=PartnershipRole.choices, default=PartnershipRole.SUPPORT_PROVIDER
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="organisation_unique_per_pilot")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """An organisation's Housing First team: the unit that submits a quarterly return."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    local_authorities = models.ManyToManyField(LocalAuthority, related_name="teams")
    is_active = models.BooleanField(default=True)
    start_quarter = models.PositiveIntegerField(
        "first quarter",
        null=True,
        blank=True,
        help_text=(
            "The first quarter the team makes a return for; no return is asked for or counted "
            "as expected before it. Blank: every quarter."
        ),
    )  # a Quarter.index: reporting year * 4 + quarter - 1

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pilot(self) -> Pilot:
        return self.organisation.pilot


class Role(models.TextChoices):
    PILOT_MANAGER = "manager", "Pilot manager"
    TEAM_LEADER = "team_leader", "Team leader"
    FACILITATOR = "facilitator", "Forum facilitator"
    REVIEWER = "reviewer", "Co-production reviewer"


class RoleAssignment(models.Model):
    """One role a person holds in one pilot (and, for a team leader, one team).

    Administrators are not assigned here: they are superusers and set the pilot up in the admin.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="role_assignments")
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text="Only for team leaders.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="team_leader", team__isnull=False)
                    | (~models.Q(role="team_leader") & models.Q(team__isnull=True))
                ),
                name="role_team_only_for_team_leaders",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "pilot"],
                condition=models.Q(team__isnull=True),
                name="role_unique_per_pilot",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "team"],
                condition=models.Q(team__isnull=False),
                name="role_unique_per_team",
            ),
        ]

    def __str__(self) -> str:
        where = self.team.name if self.team_id else self.pilot.name
        return f"{self.user}: {self.get_role_display()} ({where})"

    def clean(self) -> None:
        if self.role == Role.TEAM_LEADER and not self.team_id:
            raise ValidationError({"team": "A team leader must be given a team."})
        if self.role != Role.TEAM_LEADER and self.team_id:
            raise ValidationError({"team": "Only team leaders are given a team."})
        if self.team_id and self.pilot_id and self.team.organisation.pilot_id != self.pilot_id:
            raise ValidationError({"team": "This team belongs to another pilot."})


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out"
    LOGOUT = "logout", "Signed out"
    PERMISSION_DENIED = "denied", "Permission denied"
    EXPORT = "export", "Data exported"
    DOWNLOAD = "download", "Report downloaded"
    SUBJECT_ACCESS = "subject_access", "Personal data exported (subject access)"
    DEACTIVATED = "deactivated", "Account deactivated"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor sign-in set up"
    TWO_FACTOR_FAILED = "2fa_failed", "Wrong two-factor code"
    TWO_FACTOR_RESET = "2fa_reset", "Two-factor sign-in reset"
    API_CALL = "api", "API call"
    API_REJECTED = "api_rejected", "API call with no valid token"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"


class SecurityEvent(models.Model):
    """An append-only trail of security events, readable by administrators."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="security_events"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for failures.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class ApiTokenScope(models.TextChoices):
    """What a token may read. `read` is everything its person sees; `figures` leaves out returns,
    improvement actions and evidence text (docs/api.md)."""

    READ = "read", "Everything you can see"
    FIGURES = "figures", "Figures and structure only"


# What each scope opens: an endpoint declares the scope it needs (partners.api_tokens).
SCOPE_GRANTS: dict[str, frozenset[str]] = {
    ApiTokenScope.READ: frozenset({ApiTokenScope.READ, ApiTokenScope.FIGURES}),
    ApiTokenScope.FIGURES: frozenset({ApiTokenScope.FIGURES}),
}


class ApiToken(models.Model):
    """A person's key to the read-only API (docs/api.md). Only a hash of the secret is kept: the
    token is shown once, when made. `prefix` (the token's first characters, not secret) finds the
    row; the hash of the whole token proves it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What it is for, e.g. the council's Power BI."
    )
    prefix = models.CharField(max_length=16, unique=True)
    hashed_key = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.user}: {self.name} ({self.prefix}…)"
