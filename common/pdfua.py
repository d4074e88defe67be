"""Finishes WeasyPrint's tagged PDF/UA-1 output where WeasyPrint 70 stops short.

WeasyPrint already writes the structure tree (headings, lists, tables with header IDs and
``/Headers``, figures with ``/Alt`` from an SVG's ``<title>``, links with ``/OBJR``), the
document language, the title with ``/DisplayDocTitle``, ``/MarkInfo`` and the ``pdfuaid:part``
XMP entry. What a PDF/UA checker asks for and WeasyPrint 70 leaves out is added here, with
pikepdf:

- **``/Scope`` on every TH** (Kozea/WeasyPrint#2508). The scope is read from the table's own
  ``/Headers``, which WeasyPrint fills from the HTML ``scope`` attribute: a header named by a
  data cell of its own row is a row header (``scope="row"``), any other is a column header
  (``scope="col"``, and a ``scope="rowgroup"`` title spanning the row, which heads the cells
  below it). So ``/Scope`` and ``/Headers`` can never disagree.
- **Link annotations' ``/Contents``** say what the link says ("Headline scores"), not the raw
  target WeasyPrint puts there ("headlines"); and a tag inside a link, which gets an annotation
  of its own, is tagged /Link too, as PDF/UA asks of every link annotation.
- **Running headers and page numbers are artifacts.** WeasyPrint marks the text of page margin
  boxes as content but leaves it out of the structure tree, so it is neither real content nor
  an artifact; it becomes a pagination artifact, which assistive technology skips.
"""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

import pikepdf

# Links as the templates write them: <a href="...">text</a>.
_LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# How WeasyPrint (through pydyf) opens a tagged marked-content sequence in a page's content.
_MARKED_CONTENT = re.compile(rb"/[A-Za-z0-9]+\s*<</MCID (\d+)>>\s*BDC")
_PAGINATION_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def finish(pdf_bytes: bytes, *, html: str) -> bytes:
    """The PDF WeasyPrint wrote from `html`, with the additions above."""
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        elements = list(_struct_elements(pdf.Root.StructTreeRoot))
        _scope_table_headers(elements)
        _describe_links(pdf, _link_texts(html))
        _tag_link_parts(elements)
        _mark_untagged_content_as_artifacts(pdf, {element.objgen for element in elements})
        out = BytesIO()
        pdf.save(out, fix_metadata_version=False)
    return out.getvalue()


def _struct_elements(node: pikepdf.Object):
    """Every structure element under `node` (the StructTreeRoot or an element), in tree order."""
    for kid in _kids(node):
        yield kid
        yield from _struct_elements(kid)


def _kids(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _scope_table_headers(elements: list[pikepdf.Dictionary]) -> None:
    for row in (e for e in elements if e.S == "/TR"):
        cells = [cell for cell in _kids(row) if cell.S in ("/TH", "/TD")]
        named_in_row = {bytes(name) for cell in cells if cell.S == "/TD" for name in _headers(cell)}
        for cell in cells:
            if cell.S == "/TH":
                row_header = "/ID" in cell and bytes(cell.ID) in named_in_row
                scope = pikepdf.Name.Row if row_header else pikepdf.Name.Column
                _table_attributes(cell).Scope = scope


def _headers(cell: pikepdf.Dictionary) -> list[pikepdf.String]:
    attributes = cell.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        return list(attributes.get("/Headers", []))
    return []


def _table_attributes(cell: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The cell's attribute dictionary: WeasyPrint writes one, ``/O /Table``, on every cell."""
    if not isinstance(cell.get("/A"), pikepdf.Dictionary):
        cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
    return cell.A


def _link_texts(html: str) -> dict[str, str]:
    """Each link target in `html` (an anchor name without '#', or a URL) and its link text."""
    texts: dict[str, str] = {}
    for href, inner in _LINK.findall(html):
        text = " ".join(unescape(_TAG.sub("", inner)).split())
        if text:
            texts.setdefault(unescape(href).removeprefix("#"), text)
    return texts


def _describe_links(pdf: pikepdf.Pdf, texts: dict[str, str]) -> None:
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annotation:
                target = str(annotation.Dest)
            else:
                target = str(annotation.get("/A", {}).get("/URI", ""))
            if text := texts.get(target):
                annotation.Contents = pikepdf.String(text)


def _tag_link_parts(elements: list[pikepdf.Dictionary]) -> None:
    """WeasyPrint gives a tag inside a link (``<a>Jump to the <em>scores</em></a>``) a link
    annotation of its own, held by the inner tag's element (/NonStruct for ``<em>``). PDF/UA
    wants every link annotation in a /Link element, so that element becomes one."""
    for element in elements:
        kids = element.get("/K")
        if str(element.S) != "/Link" and any(
            isinstance(kid, pikepdf.Dictionary)
            and kid.get("/Type") == "/OBJR"
            and kid.Obj.get("/Subtype") == "/Link"
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])
        ):
            element.S = pikepdf.Name.Link


def _mark_untagged_content_as_artifacts(pdf: pikepdf.Pdf, in_tree: set[tuple[int, int]]) -> None:
    """Marked content whose owner in the parent tree is not in the structure tree (page margin
    boxes) becomes an artifact, and its parent tree entry null."""
    parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents_by_key = {
        int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)
    }
    for page in pdf.pages:
        parents = parents_by_key.get(page.obj.get("/StructParents"))
        if not isinstance(parents, pikepdf.Array):
            continue
        untagged = {
            mcid
            for mcid, owner in enumerate(parents)
            if isinstance(owner, pikepdf.Dictionary) and owner.objgen not in in_tree
        }
        if not untagged:
            continue
        for mcid in untagged:
            parents[mcid] = None
        content = page.obj.Contents.read_bytes()
        page.obj.Contents = pdf.make_stream(_as_artifacts(content, untagged))


def _as_artifacts(content: bytes, mcids: set[int]) -> bytes:
    """`content` with the marked-content sequences numbered `mcids` made pagination artifacts."""

    def replace(match: re.Match) -> bytes:
        return _PAGINATION_ARTIFACT if int(match[1]) in mcids else match[0]

    return _MARKED_CONTENT.sub(replace, content)
