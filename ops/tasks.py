"""Celery tasks for operations: thin wrappers over plain functions."""

from __future__ import annotations

from celery import shared_task

from .retention import retention_apply


@shared_task
def apply_retention() -> dict[str, int]:
    """Nightly (Celery beat): delete what is past its retention period; safe to run again."""
    return retention_apply()
