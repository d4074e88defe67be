"""An outside system asks the API how a framework version continues the one before it, and gets
its crosswalk as a FHIR ConceptMap; a version that continues none has no crosswalk (404), and a
version no pilot of theirs uses is not theirs to read."""

from __future__ import annotations

from fhir.resources.R4B.conceptmap import ConceptMap

from fidelity.frameworks.fhir import questionnaire_url
from fidelity.frameworks.models import Framework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_import, framework_revise
from tests.api.conftest import token_client
from tests.fidelity.frameworks.test_framework_fhir_crosswalk import V1, V2


def test_a_revised_framework_comes_with_its_crosswalk_as_a_concept_map(api_world):
    first = current_framework_version(pilot=api_world.pilot)
    revised = framework_revise(version=first, notes="P1.1 in new words.")
    client = token_client(api_world.lead_bolton, scope="figures")

    response = client.get(f"/api/v1/frameworks/{revised.pk}/crosswalk/")
    assert response.status_code == 200
    concept_map = ConceptMap.model_validate(response.json())
    url = questionnaire_url(framework_name=first.framework.name)
    assert (concept_map.sourceUri, concept_map.targetUri) == (
        f"{url}|{first.number}",
        f"{url}|{revised.number}",
    )
    (group,) = concept_map.group
    # A copy continues every section and indicator as it was.
    sections = list(first.principles.order_by("position"))
    assert [(e.code, [(t.code, t.equivalence) for t in e.target]) for e in group.element] == [
        *((p.code, [(p.code, "equivalent")]) for p in sections),
        *((i.code, [(i.code, "equal")]) for p in sections for i in p.indicators.all()),
    ]
    # The version it continues continues nothing: no crosswalk.
    assert client.get(f"/api/v1/frameworks/{first.pk}/crosswalk/").status_code == 404


def test_a_crosswalk_of_a_framework_no_pilot_of_theirs_uses_is_not_found(api_world):
    framework_import(V1)
    other = framework_import(V2)
    assert Framework.objects.filter(name=V2.name).exists() and other.previous is not None

    client = token_client(api_world.manager)
    assert client.get(f"/api/v1/frameworks/{other.pk}/crosswalk/").status_code == 404
