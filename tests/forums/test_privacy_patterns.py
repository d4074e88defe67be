import pytest

from forums.privacy import find_identifiers, highlight, kinds_found

MUST_TRIGGER = [
    ("Email him at sam.jones@example.org please", "email"),
    ("Her mobile is 07700 900123", "phone"),
    ("Office number 0161 496 0000", "phone"),
    ("Call +44 7700 900123 after 5", "phone"),
    ("Mobile 07700900123", "phone"),
    ("NI number AB 12 34 56 C", "ni_number"),
    ("NINO: ab123456c", "ni_number"),
    ("Moved to a flat in M1 1AE last week", "postcode"),
    ("Lives at BL1 1AA", "postcode"),
    ("postcode wn11ab", "postcode"),
    ("DOB 12/03/1985", "date_of_birth"),
    ("born 3 March 1990", "date_of_birth"),
    ("date of birth: 01-02-1979", "date_of_birth"),
    ("Seen with 14/05/1972 on the file", "date_of_birth"),
]

MUST_NOT_TRIGGER = [
    "Q3 2026",
    "2026-27 Q1",
    "5 to 7 people per worker",
    "Average score 3.5, up 0.25",
    "Since 2025 the waits have grown",
    "42% of tenancies sustained at 12 months",
    "Bolton, Bury, Manchester, Oldham, Rochdale, Salford, Stockport, Tameside, Trafford, Wigan",
    "Caseloads above 7 per worker",
    "Meeting on 14/05/2026 at the hub",
    "Principle P4 and P7",
    "A4 handouts for the M60 corridor teams",
    "100 people housed in 12 months",
    "Series 2 session 3, room 101",
    "Contact the housing options team",
]


@pytest.mark.parametrize(("text", "kind"), MUST_TRIGGER)
def test_identifying_details_are_found(text, kind):
    assert kind in kinds_found(text)


@pytest.mark.parametrize("text", MUST_NOT_TRIGGER)
def test_ordinary_forum_text_is_not_flagged(text):
    assert find_identifiers(text) == []


def test_each_detail_is_reported_once_where_it_is():
    text = "Ring 07700 900123 or write to a.b@example.org"
    found = find_identifiers(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [
        ("phone", "07700 900123"),
        ("email", "a.b@example.org"),
    ]


def test_highlight_marks_the_matches_and_escapes_everything_else():
    marked = highlight("<b>x</b> mail a.b@example.org")
    assert marked.startswith("&lt;b&gt;x&lt;/b&gt; mail ")
    assert '<mark class="privacy-hit">a.b@example.org' in marked
    assert '<span class="visually-hidden"> (possible email address)</span></mark>' in marked
