"""Improvement actions: what a team will change after a low score, who owns it and by when."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from common.quarters import Quarter
from fidelity.frameworks.models import Indicator
from fidelity.returns.models import QAReturn
from partners.models import Team


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ImprovementAction(models.Model):
    """What a team will change about an indicator it scored 1 or 2, or why it will change nothing.

    Raised on one return (`qa_return`); open actions are carried into the team's next returns,
    where the team says how each stands (`updated_on`, the return it was last updated on).
    """

    qa_return = models.ForeignKey(
        QAReturn, on_delete=models.CASCADE, related_name="improvement_actions"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="improvement_actions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    principle_code = models.CharField(max_length=10)
    no_action = models.BooleanField(default=False)
    no_action_reason = models.TextField(blank=True, max_length=2000)
    what = models.TextField("What will change", blank=True, max_length=2000)
    owner = models.CharField("Who owns it", max_length=200, blank=True)
    target_quarter_index = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    update_note = models.TextField(
        blank=True, max_length=2000, help_text="Progress so far, or why the action was dropped."
    )
    updated_on = models.ForeignKey(
        QAReturn,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_actions",
        help_text="The later return on which the team last said how this action stands.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["principle_code", "indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["qa_return", "indicator"], name="one_action_per_indicator_per_return"
            ),
        ]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"{self.team} {self.indicator.code}: {self.what or 'no action'}"

    @property
    def is_open(self) -> bool:
        return not self.no_action and self.status in OPEN_ACTION_STATUSES

    @property
    def target_quarter(self) -> Quarter | None:
        if self.target_quarter_index is None:
            return None
        return Quarter.from_index(
            self.target_quarter_index, self.team.organisation.pilot.quarter_convention
        )

    def is_overdue(self, current_index: int) -> bool:
        """Open after its target quarter has ended."""
        return (
            self.is_open
            and self.target_quarter_index is not None
            and self.target_quarter_index < current_index
        )
