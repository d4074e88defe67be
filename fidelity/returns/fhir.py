"""Returns as FHIR R4 QuestionnaireResponses, one per return, and a quarter's returns as a
Bundle (type collection), answering the Questionnaire `frameworks.fhir` exports for the
return's framework version. docs/exchange.md describes the mapping.

- `questionnaire`: the version's canonical URL and number (`url|number`).
- `status`: in-progress while the team can still change the return (a draft, or sent back),
  completed once submitted or approved; the return's own status is in an extension too.
- `subject` and `author`: the team, as an Organization named by an identifier and its name.
  No person is named: who filled the return in stays in the app.
- `authored`: when the return was (last) submitted; absent for a draft.
- `item`: a group per section, an item per indicator whose answer is the score as a coding
  of the scale. An indicator not assessed has no answer and a not-assessed extension holding
  the reason; evidence is in an extension on the indicator's item. Evidence goes to whoever may
  open the return, as on its page and in its CSV and XLSX exports.

Each resource is checked against `fhir.resources`' R4B models before it is written.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from fidelity.frameworks.fhir import (
    EXTENSION_BASE,
    fhir_url,
    questionnaire_canonical,
    scale_system,
)
from fidelity.frameworks.models import FrameworkVersion, Principle
from fidelity.returns.models import IndicatorScore, QAReturn

NOT_ASSESSED = EXTENSION_BASE + "not-assessed"
EVIDENCE = EXTENSION_BASE + "evidence"
RETURN_STATUS = EXTENSION_BASE + "return-status"
QUARTER = EXTENSION_BASE + "quarter"


def _team(qa_return: QAReturn) -> dict[str, Any]:
    return {
        "type": "Organization",
        "identifier": {"system": fhir_url("identifier", "team"), "value": str(qa_return.team_id)},
        "display": qa_return.team.name,
    }


def _indicator_item(
    score: IndicatorScore | None, indicator, *, system: str, labels: dict[int, str]
) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": indicator.code, "text": indicator.text}
    extension = []
    if score is not None and score.not_assessed:
        extension.append(
            {"url": NOT_ASSESSED, "valueString": score.not_assessed_reason or "Not assessed"}
        )
    elif score is not None and score.score is not None:
        item["answer"] = [
            {
                "valueCoding": {
                    "system": system,
                    "code": str(score.score),
                    "display": labels.get(score.score),
                }
            }
        ]
    if score is not None and score.evidence:
        extension.append({"url": EVIDENCE, "valueString": score.evidence})
    if extension:
        item["extension"] = extension
    return item


class _Versions:
    """Each framework version's sections, indicators and scale labels, read once for a bundle."""

    def __init__(self) -> None:
        self._read: dict[int, tuple[list[Principle], dict[int, str]]] = {}

    def __call__(self, version: FrameworkVersion) -> tuple[list[Principle], dict[int, str]]:
        if version.pk not in self._read:
            principles = list(
                version.principles.prefetch_related("indicators").order_by("position")
            )
            labels = dict(version.scale.values_list("value", "label"))
            self._read[version.pk] = (principles, labels)
        return self._read[version.pk]


def _response(qa_return: QAReturn, versions: _Versions) -> dict[str, Any]:
    version = qa_return.framework_version
    name = version.framework.name
    principles, labels = versions(version)
    system = scale_system(framework_name=name)
    scores = {s.indicator_id: s for s in qa_return.scores.all()}
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"qa-return-{qa_return.pk}",
        "extension": [
            {"url": RETURN_STATUS, "valueCode": qa_return.status},
            {"url": QUARTER, "valueString": qa_return.quarter_value.label},
        ],
        "identifier": {"system": fhir_url("identifier", "qa-return"), "value": str(qa_return.pk)},
        "questionnaire": questionnaire_canonical(framework_name=name, number=version.number),
        "status": "in-progress" if qa_return.is_editable else "completed",
        "subject": _team(qa_return),
        "author": _team(qa_return),
        "item": [
            {
                "linkId": principle.code,
                "text": principle.title,
                "item": [
                    _indicator_item(scores.get(i.pk), i, system=system, labels=labels)
                    for i in sorted(principle.indicators.all(), key=lambda i: i.position)
                ],
            }
            for principle in principles
        ],
    }
    if qa_return.submitted_at:
        resource["authored"] = qa_return.submitted_at.isoformat()
    return resource


def _with_scores(returns: QuerySet[QAReturn]) -> QuerySet[QAReturn]:
    return (
        returns.select_related("team", "framework_version__framework")
        .prefetch_related("scores")
        .order_by("team__name", "pk")
    )


def return_response_json(*, qa_return: QAReturn) -> bytes:
    """One return as a QuestionnaireResponse in JSON (UTF-8)."""
    (loaded,) = _with_scores(QAReturn.objects.filter(pk=qa_return.pk))
    resource = QuestionnaireResponse.model_validate(_response(loaded, _Versions()))
    return resource.model_dump_json(exclude_none=True, indent=2).encode()


def returns_bundle_json(*, returns: QuerySet[QAReturn]) -> bytes:
    """Returns (a quarter's, as the caller chose them: only those the person may see) as a
    Bundle of type collection, in JSON (UTF-8)."""
    versions = _Versions()
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {
                "fullUrl": fhir_url("QuestionnaireResponse", f"qa-return-{qa_return.pk}"),
                "resource": _response(qa_return, versions),
            }
            for qa_return in _with_scores(returns)
        ],
    }
    return Bundle.model_validate(bundle).model_dump_json(exclude_none=True, indent=2).encode()
