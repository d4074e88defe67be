"""What a PDF's text is set in, read with pikepdf, written from the PDF specification (fonts,
CMaps) and importing no production code: the fonts embedded, and any character drawn as the
.notdef glyph (glyph 0, the empty box a font draws for a character it lacks)."""

from __future__ import annotations

import io
import re

import pikepdf

_HEX = r"<([0-9a-fA-F]+)>"


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    """The names of the fonts the pages use, without the subset tag ("Noto-Sans" for
    "HUHQIP+Noto-Sans"); a font that is not embedded is named "not embedded: NAME"."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for font in _fonts(pdf):
            name = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
            names.add(name if _is_embedded(font) else f"not embedded: {name}")
    return names


def notdef_characters(pdf_bytes: bytes) -> list[str]:
    """Each character drawn as .notdef, as "U+E000 in Noto-Sans".

    WeasyPrint writes Type0 fonts whose ToUnicode CMap names every code it draws; the code's
    CID is the code itself (Identity-H) or what the font's own Encoding CMap says, and with
    CIDToGIDMap /Identity the CID is the glyph id."""
    found = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for font in _fonts(pdf):
            name = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
            if font.Subtype != "/Type0":
                raise AssertionError(f"{name} is {font.Subtype}, not a Type0 font this reads")
            descendant = font.DescendantFonts[0]
            if descendant.get("/CIDToGIDMap", pikepdf.Name.Identity) != pikepdf.Name.Identity:
                raise AssertionError(f"{name} maps CIDs to glyphs by a table this does not read")
            encoding = font.Encoding
            cids = None if encoding == pikepdf.Name("/Identity-H") else _cmap(encoding, "cid")
            for code, text in _cmap(font.ToUnicode, "bf").items():
                if (code if cids is None else cids.get(code)) == 0:
                    found.append(f"{' '.join(f'U+{ord(c):04X}' for c in text)} in {name}")
    return found


def _fonts(pdf: pikepdf.Pdf):
    seen = set()
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font


def _is_embedded(font: pikepdf.Dictionary) -> bool:
    described = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
    descriptor = described.get("/FontDescriptor")
    if descriptor is None:
        return font.Subtype == "/Type3"  # glyphs drawn in the PDF itself
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _cmap(stream: pikepdf.Stream, kind: str) -> dict:
    """A CMap's single codes and ranges: code -> CID ("cid") or code -> text ("bf")."""
    text = stream.read_bytes().decode("latin-1")
    mapping = {}
    for block in re.findall(rf"begin{kind}char(.*?)end{kind}char", text, re.S):
        for code, value in re.findall(rf"{_HEX}\s*(<[0-9a-fA-F]*>|\d+)", block):
            mapping[int(code, 16)] = _value(value, kind)
    for block in re.findall(rf"begin{kind}range(.*?)end{kind}range", text, re.S):
        for low, high, value in re.findall(rf"{_HEX}\s*{_HEX}\s*(<[0-9a-fA-F]*>|\d+)", block):
            first = _value(value, kind)
            for offset in range(int(high, 16) - int(low, 16) + 1):
                mapping[int(low, 16) + offset] = (
                    first + offset if kind == "cid" else first[:-1] + chr(ord(first[-1]) + offset)
                )
    return mapping


def _value(value: str, kind: str):
    if kind == "cid":
        return int(value)
    return bytes.fromhex(value.strip("<>")).decode("utf-16-be")
