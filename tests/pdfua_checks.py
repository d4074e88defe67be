"""The PDF/UA-1 points our tests check in every PDF the app makes, read with pikepdf.

Written from the PDF/UA requirements (ISO 14289-1, as the Matterhorn Protocol lists them), not
from `common.pdfua`: nothing here imports production code. It is not a full checker (see
docs/accessibility.md for what is and is not covered); `problems` names each failure it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

import pikepdf

SCOPES = {"/Row", "/Column", "/Both"}
_SHOWS_CONTENT = {"Tj", "TJ", "'", '"', "Do", "sh", "BI"}


@dataclass
class Structure:
    elements: list[pikepdf.Dictionary] = field(default_factory=list)

    def of_type(self, kind: str) -> list[pikepdf.Dictionary]:
        return [e for e in self.elements if str(e.S) == kind]


def structure(pdf: pikepdf.Pdf) -> Structure:
    """Every structure element reachable from the StructTreeRoot, in reading order."""
    found = Structure()

    def walk(node):
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.elements.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def problems(pdf_bytes: bytes, *, lang: str = "en-GB") -> list[str]:
    """What fails the checks below, one line each; empty when all pass."""
    found: list[str] = []
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        tree = structure(pdf)
        found += _document_problems(pdf, lang)
        found += _table_problems(tree)
        found += _figure_problems(tree)
        found += _link_problems(pdf, tree)
        found += _content_problems(pdf, tree)
    return found


def _document_problems(pdf: pikepdf.Pdf, lang: str) -> list[str]:
    found = []
    root = pdf.Root
    if str(root.get("/Lang", "")) != lang:
        found.append(f"document language is {root.get('/Lang')!r}, not {lang}")
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        found.append("MarkInfo /Marked is not true")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        found.append("ViewerPreferences /DisplayDocTitle is not true")
    title = str(pdf.docinfo.get("/Title", ""))
    if not title:
        found.append("no /Title in the document information")
    metadata = pdf.open_metadata()
    if metadata.get("dc:title") != title:
        found.append(f"XMP dc:title {metadata.get('dc:title')!r} is not the title {title!r}")
    if metadata.get("pdfuaid:part") != "1":
        found.append("XMP has no pdfuaid:part 1")
    if "/StructTreeRoot" not in root:
        found.append("no structure tree")
    return found


def _table_problems(tree: Structure) -> list[str]:
    found = []
    for th in tree.of_type("/TH"):
        attributes = th.get("/A")
        scope = attributes.get("/Scope") if isinstance(attributes, pikepdf.Dictionary) else None
        if str(scope) not in SCOPES or attributes.get("/O") != "/Table":
            found.append(f"TH {_text_hint(th)} has no /O /Table /Scope (has {attributes!r})")
    return found


def _figure_problems(tree: Structure) -> list[str]:
    return [
        "a Figure has no /Alt"
        for figure in tree.of_type("/Figure")
        if not str(figure.get("/Alt", ""))
    ]


def _link_problems(pdf: pikepdf.Pdf, tree: Structure) -> list[str]:
    found = []
    referenced = {
        kid.Obj.objgen
        for link in tree.of_type("/Link")
        for kid in link.K
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
    }
    parents = _parent_tree(pdf)
    in_tree = {e.objgen for e in tree.elements}
    for number, page in enumerate(pdf.pages, start=1):
        annotations = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        if annotations and page.obj.get("/Tabs") != "/S":
            found.append(f"page {number} has annotations but no /Tabs /S")
        for annotation in annotations:
            target = str(annotation.get("/Dest", annotation.get("/A", {}).get("/URI", "")))
            if annotation.objgen not in referenced:
                found.append(f"link to {target} is not referenced from a /Link element")
            owner = parents.get(int(annotation.get("/StructParent", -1)))
            if owner is None or owner.get("/S") != "/Link" or owner.objgen not in in_tree:
                found.append(f"link to {target} has no /StructParent naming its /Link element")
            contents = str(annotation.get("/Contents", ""))
            if not contents or contents == target:
                found.append(f"link to {target} has no description in /Contents ({contents!r})")
    return found


def _content_problems(pdf: pikepdf.Pdf, tree: Structure) -> list[str]:
    """Every piece of page content is inside marked content that is either an artifact or owned,
    through the parent tree, by an element of the structure tree."""
    found = []
    in_tree = {e.objgen for e in tree.elements}
    parents = _parent_tree(pdf)
    for number, page in enumerate(pdf.pages, start=1):
        owners = parents.get(int(page.obj.get("/StructParents", -1)))
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BMC":
                stack.append(str(operands[0]))
            elif op == "BDC":
                tag, properties = str(operands[0]), operands[1]
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                if tag != "/Artifact":
                    known = owners is not None and mcid is not None and int(mcid) < len(owners)
                    owner = owners[int(mcid)] if known else None
                    if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in in_tree:
                        found.append(
                            f"page {number}: {tag} MCID {mcid} is not in the structure tree"
                        )
                stack.append(tag)
            elif op == "EMC":
                stack.pop()
            elif op in _SHOWS_CONTENT and not stack:
                found.append(f"page {number}: {op} outside any marked content")
    return found


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _text_hint(element: pikepdf.Dictionary) -> str:
    return str(element.get("/ID", element.objgen))
