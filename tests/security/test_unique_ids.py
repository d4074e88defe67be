"""No page has two elements with the same id, for anyone: a label, an aria-describedby or an
in-page link that names an id reaches the first element that has it, so a second one is a control
that assistive technology names wrongly.

Every page of the authorisation matrix is opened by every role that may open it, with the panels
it loads into itself with htmx (`hx-trigger` "load" or "revealed"), since they end up in the same
document.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from .matrix import ROLES
from .test_authorisation_matrix import EXPECTATIONS

# htmx triggers that put a partial into the page without anyone doing anything.
_LOADS_BY_ITSELF = ("load", "revealed", "intersect")


class _PageIds(HTMLParser):
    """The ids of a page as it stands once its htmx panels have loaded: `ids` holds those of
    the page itself, less what a loading panel replaces, and `panels` the panels' URLs. An element
    a panel sends out of band (`hx-swap-oob`) takes the place of the page's element with its id,
    so it is not counted again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.panels: list[str] = []
        self._skipped_tag: str | None = None
        self._skipped_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if self._skipped_tag is not None:
            self._skipped_depth += tag == self._skipped_tag
            return
        trigger = attributes.get("hx-trigger") or ""
        if "hx-swap-oob" in attributes:
            self._skip(tag)
            return
        if attributes.get("hx-get") and trigger.startswith(_LOADS_BY_ITSELF):
            self.panels.append(attributes["hx-get"])
            self._skip(tag)
            if attributes.get("hx-swap", "innerHTML").startswith("outerHTML"):
                return
        if attributes.get("id"):
            self.ids.append(attributes["id"])

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if self._skipped_tag is None and dict(attrs).get("id"):
            self.ids.append(dict(attrs)["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skipped_tag:
            self._skipped_depth -= 1
            if self._skipped_depth == 0:
                self._skipped_tag = None

    def _skip(self, tag: str) -> None:
        """Leave out the element's content up to its end tag."""
        self._skipped_tag, self._skipped_depth = tag, 1


def _ids_in_document(client: Client, url: str, depth: int = 0) -> list[str]:
    headers = {"HTTP_HX_REQUEST": "true"} if depth else {}
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    parser = _PageIds()
    parser.feed(response.content.decode())
    ids = list(parser.ids)
    assert depth < 3, f"{url}: panels inside panels inside panels"
    for panel in parser.panels:
        ids += _ids_in_document(client, panel, depth + 1)
    return ids


def _is_page(response) -> bool:
    return response["Content-Type"].startswith("text/html") and not response.has_header(
        "Content-Disposition"
    )


def test_no_page_has_the_same_id_twice_for_anyone(secure_world):
    users = secure_world.users()
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if users[role] is not None:
            clients[role].force_login(users[role])
    duplicates = {}
    opened = 0
    for key, row in EXPECTATIONS.items():
        if row.method != "GET":
            continue
        url = reverse(row.url_name or key, kwargs=row.own(secure_world))
        for role in ROLES:
            if row.expected[role] != 200:
                continue
            if not _is_page(clients[role].get(url)):
                break
            opened += 1
            ids = Counter(_ids_in_document(clients[role], url))
            repeated = sorted(i for i, count in ids.items() if count > 1)
            if repeated:
                duplicates[f"{url} as {role}"] = repeated
    assert opened > 50, "the sweep opened too few pages to mean anything"
    assert duplicates == {}


def test_the_sweep_sees_a_repeated_id_in_a_panel_the_page_loads():
    parser = _PageIds()
    parser.feed(
        '<main id="main"><li id="slot" hx-get="/panel/" hx-trigger="load" hx-swap="outerHTML">'
        '<span id="gone">Loading</span></li><div hx-get="/more/" hx-trigger="revealed">'
        '<i id="gone-too"></i></div><input id="kept"><p id="oob" hx-swap-oob="true">'
        '<b id="oob-inside"></b></p></main>'
    )
    assert parser.ids == ["main", "kept"]
    assert parser.panels == ["/panel/", "/more/"]
