"""Validate every XML part of an OOXML package against the ECMA-376 schemas (tests/data/ooxml-xsd).

Before validating, markup compatibility is resolved as Office resolves it (ECMA-376 Part 3):
elements and attributes of the namespaces a part declares ignorable go, ``mc:AlternateContent``
becomes its ``mc:Fallback``. ``xml:space`` is dropped as well: the schemas type SpreadsheetML's
``<t>`` as a simple type, yet Excel itself writes ``<t xml:space="preserve">``.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).parent / "data" / "ooxml-xsd"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Parts with no public schema, or outside the package's own vocabulary (legacy VML drawings, .vml,
# have an <xml> root that no schema declares, in Excel's files too, and are not read here).
UNSCHEMATIZED = ("customXml/",)


@lru_cache(maxsize=None)
def schemas() -> tuple[etree.XMLSchema, ...]:
    """The workbook schemas, and WordprocessingML's (built once: it takes a while)."""
    return tuple(etree.XMLSchema(etree.parse(str(XSD / name))) for name in ("all.xsd", "wml.xsd"))


def _resolve_compatibility(root: etree._Element) -> etree._Element:
    for alt in list(root.iter(f"{{{MC}}}AlternateContent")):
        fallback = alt.find(f"{{{MC}}}Fallback")
        parent = alt.getparent()
        for child in (list(fallback) if fallback is not None else []):
            alt.addprevious(child)
        parent.remove(alt)
    ignorable: set[str] = set()
    for el in root.iter():
        prefixes = el.get(f"{{{MC}}}Ignorable")
        if prefixes:
            ignorable |= {el.nsmap.get(p) for p in prefixes.split()}
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            ns = etree.QName(attr).namespace
            if ns in ignorable or ns == MC or attr == XML_SPACE:
                del el.attrib[attr]
    return root


def validate_xml(data: bytes) -> str | None:
    """None if ``data`` is valid under one of the schemas, else the first error."""
    root = _resolve_compatibility(etree.fromstring(data))
    errors = []
    for schema in schemas():
        if schema.validate(root):
            return None
        errors.append(str(schema.error_log.last_error))
    return errors[0] if etree.QName(root).namespace != "http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
        else errors[-1]


def invalid_parts(path: str | Path) -> dict[str, str]:
    """Every XML part of the package at ``path`` that does not validate, with its first error."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")) or name.startswith(UNSCHEMATIZED):
                continue
            error = validate_xml(z.read(name))
            if error:
                out[name] = error[:300]
    return out
