"""Plain words for co-production reviewers: every indicator of the default framework has them."""

from django.apps import apps

from fidelity.frameworks import framework_data
from fidelity.frameworks.models import Framework, Indicator

JARGON = ("self-contained", "scattered", "referral", "caseload", "dual diagnosis", "abstinence")


def _default_indicators():
    return Indicator.objects.filter(principle__version__framework__name=framework_data.NAME)


def test_every_indicator_of_the_default_framework_is_asked_in_plain_words(db):
    indicators = list(_default_indicators())
    assert len(indicators) == 30
    for indicator in indicators:
        assert indicator.plain_text.endswith("?"), indicator.code
        assert not any(word in indicator.plain_text.lower() for word in JARGON), indicator.code


def test_the_housing_question_is_about_a_home_of_ones_own(db):
    indicator = _default_indicators().get(code="1.4")
    assert indicator.text == "Homes are ordinary, self-contained and scattered in the community."
    assert indicator.text_for_reviewers.startswith("Can people choose where they live")


def test_an_indicator_without_plain_words_is_shown_in_its_own_text(db):
    indicator = _default_indicators().get(code="1.3")
    indicator.plain_text = ""
    assert indicator.text_for_reviewers == indicator.text


def test_loading_the_framework_again_fills_plain_words_left_blank(db):
    _default_indicators().update(plain_text="")
    framework_data.load(apps)
    assert not _default_indicators().filter(plain_text="").exists()
    assert Framework.objects.filter(name=framework_data.NAME).count() == 1
