"""A return downloads as a FHIR QuestionnaireResponse answering its framework version's
Questionnaire, and a quarter's returns as a Bundle, for whoever may see them and no one else."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from fidelity.frameworks.fhir import instrument_questionnaire, questionnaire_canonical
from fidelity.frameworks.selectors import framework_instrument
from fidelity.returns.fhir import EVIDENCE, NOT_ASSESSED, RETURN_STATUS
from fidelity.returns.models import IndicatorScore, ReturnStatus
from tests.fidelity.factories import make_return, use_default_framework

BUNDLE = "/returns/quarter/2025-q1/fhir.json"


@pytest.fixture
def qa_return(world):
    use_default_framework(world.pilot)
    qa_return = make_return(world.bolton_team, 2025, 1, scores={"P2": [4, None]})
    IndicatorScore.objects.filter(qa_return=qa_return, indicator__code="1.1").update(
        evidence='=HYPERLINK("http://example.org") <b>seen</b>'
    )
    return qa_return


def _response(client, qa_return) -> QuestionnaireResponse:
    response = client.get(f"/returns/{qa_return.pk}/export.fhir.json/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert ".fhir.json" in response["Content-Disposition"]
    return QuestionnaireResponse.model_validate_json(response.content)


def _items(resource: QuestionnaireResponse) -> dict:
    return {i.linkId: i for group in resource.item for i in group.item}


def test_a_return_is_a_questionnaire_response_to_its_version(client, world, qa_return):
    client.force_login(world.lead_bolton)
    resource = _response(client, qa_return)
    version = qa_return.framework_version

    assert resource.questionnaire == questionnaire_canonical(
        framework_name=version.framework.name, number=version.number
    )
    assert resource.status == "completed"
    assert resource.authored is not None
    assert resource.subject.display == "HF Bolton"
    assert resource.subject.identifier.value == str(world.bolton_team.pk)
    assert resource.author.type == "Organization"
    assert [e.valueCode for e in resource.extension if e.url == RETURN_STATUS] == ["submitted"]
    assert [g.linkId for g in resource.item] == [p.code for p in version.principles.all()]

    items = _items(resource)
    scored = items["2.1"].answer[0].valueCoding
    assert (scored.code, scored.display) == ("4", version.scale.get(value=4).label)
    assert items["2.2"].answer is None
    assert [e.valueString for e in items["2.2"].extension if e.url == NOT_ASSESSED] == [
        "Not looked at this quarter"
    ]
    assert [e.valueString for e in items["1.1"].extension if e.url == EVIDENCE] == [
        '=HYPERLINK("http://example.org") <b>seen</b>'
    ]


def test_the_response_answers_the_exported_questionnaire(client, world, qa_return):
    """Every linkId and coding of the response is one the Questionnaire defines."""
    version = qa_return.framework_version
    questionnaire = json.loads(
        instrument_questionnaire(framework_instrument(version=version), number=version.number)
    )
    client.force_login(world.manager)
    resource = _response(client, qa_return)
    assert resource.questionnaire == f"{questionnaire['url']}|{questionnaire['version']}"
    defined = {i["linkId"]: i for g in questionnaire["item"] for i in g["item"]}
    options = {
        (o["valueCoding"]["system"], o["valueCoding"]["code"])
        for o in next(iter(defined.values()))["answerOption"]
    }
    for link_id, item in _items(resource).items():
        assert link_id in defined
        for answer in item.answer or []:
            assert (answer.valueCoding.system, answer.valueCoding.code) in options


def test_a_draft_is_in_progress_and_not_yet_authored(client, world):
    use_default_framework(world.pilot)
    draft = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.DRAFT)
    client.force_login(world.lead_bolton)
    resource = _response(client, draft)
    assert resource.status == "in-progress"
    assert resource.authored is None


def test_another_teams_leader_and_another_pilots_manager_get_404(client, world, qa_return):
    for user in (world.lead_wigan, world.other_manager, world.facilitator):
        client.force_login(user)
        assert client.get(f"/returns/{qa_return.pk}/export.fhir.json/").status_code == 404


def test_the_return_page_links_to_the_download(client, world, qa_return):
    client.force_login(world.lead_bolton)
    page = client.get(f"/returns/{qa_return.pk}/").content.decode()
    assert f'href="/returns/{qa_return.pk}/export.fhir.json/"' in page
    assert "Download FHIR (JSON)" in page


# --- A quarter's Bundle ------------------------------------------------------------------------


@pytest.fixture
def quarter(world, qa_return):
    wigan = make_return(world.wigan_team, 2025, 1, status=ReturnStatus.DRAFT)
    make_return(world.bury_team, 2025, 2)
    return {"bolton": qa_return, "wigan": wigan}


def _bundle(client, world, pilot=None) -> Bundle:
    response = client.get(BUNDLE, {"pilot": (pilot or world.pilot).pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return Bundle.model_validate_json(response.content)


def _teams(bundle: Bundle) -> list[str]:
    return [entry.resource.subject.display for entry in bundle.entry or []]


def test_a_manager_gets_the_quarters_returns_as_a_bundle(client, world, quarter):
    client.force_login(world.manager)
    bundle = _bundle(client, world)
    assert bundle.type == "collection"
    assert _teams(bundle) == ["HF Bolton", "HF Wigan"]
    assert [e.resource.status for e in bundle.entry] == ["completed", "in-progress"]
    assert bundle.entry[0].fullUrl.endswith(
        f"/QuestionnaireResponse/qa-return-{quarter['bolton'].pk}"
    )


def test_a_team_leaders_bundle_holds_only_their_teams_return(client, world, quarter):
    client.force_login(world.lead_wigan)
    assert _teams(_bundle(client, world)) == ["HF Wigan"]


def test_the_bundle_is_404_where_no_team_is_visible(client, world, quarter):
    client.force_login(world.other_manager)
    assert client.get(BUNDLE, {"pilot": world.pilot.pk}).status_code == 404
    client.force_login(world.facilitator)
    assert client.get(BUNDLE, {"pilot": world.pilot.pk}).status_code == 404
    client.force_login(world.lead_other)
    assert client.get(BUNDLE, {"pilot": world.pilot.pk}).status_code == 404


def test_a_bad_quarter_is_404(client, world, quarter):
    client.force_login(world.manager)
    response = client.get("/returns/quarter/2025-q9/fhir.json", {"pilot": world.pilot.pk})
    assert response.status_code == 404


def test_the_review_list_links_to_the_quarters_bundle(client, world, quarter):
    client.force_login(world.manager)
    page = client.get("/returns/review/", {"quarter": "2025-q1"}).content.decode()
    assert f'href="{BUNDLE}?pilot={world.pilot.pk}"' in page
