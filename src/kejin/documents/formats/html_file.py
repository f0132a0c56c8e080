"""HTML files: the title from `<title>` (else the first `<h1>`), one paragraph per block element
(`<p>`, headings, list items, table cells, …) with `<br>` breaking lines, scripts, styles,
navigation and forms dropped; `<meta>` gives the date (`date`, `PubDate`, `article:published_time`,
…), the issuer (`author`, `ContentSource`) and `<html lang>` the language."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree, html

from kejin.core.i18n import N_
from kejin.documents.formats import Extracted, day_text, language_code, metadata, unreadable

_DROPPED = ("script", "style", "nav", "noscript", "template", "form", "button", "select", "svg")
_BLOCKS = frozenset(
    {
        *("p", "div", "section", "article", "main", "aside", "header", "footer", "blockquote"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "address", "figcaption"),
        *("table", "tr", "td", "th", "caption", "ul", "ol", "dl", "hr", "body"),
    }
)
_DATE_META = ("date", "pubdate", "publishdate", "dc.date", "dcterms.date", "article:published_time")
_ISSUER_META = ("author", "contentsource", "dc.creator", "dc.publisher")
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only (not 　)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html(text: str, name: str) -> Extracted:
    """Text and metadata of an HTML document already decoded to `text`."""
    try:
        root = html.document_fromstring(_XML_DECLARATION.sub("", text))
    except (etree.ParserError, ValueError) as error:
        raise unreadable(
            name, N_("{file} is not an HTML document"), N_("is not an HTML document")
        ) from error
    meta = _meta(root)
    for element in root.xpath("|".join([*(f"//{tag}" for tag in _DROPPED), "//comment()"])):
        element.drop_tree()  # keeps the text that follows the element
    title = _first_text(root, "//head/title") or _first_text(root, "//h1")
    fields = metadata(
        title=title,
        date=next((day_text(meta[key]) for key in _DATE_META if key in meta), None),
        issuer=next((meta[key] for key in _ISSUER_META if key in meta), None),
        language=language_code(root.get("lang")),
    )
    return Extracted(_block_text(root.find("body")), fields)


def _meta(root: Any) -> dict[str, str]:
    """`<meta name|property=… content=…>` by lower-cased name; the first of each wins."""
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    return found


def _first_text(root: Any, path: str) -> str | None:
    elements = root.xpath(path)
    return _SPACES.sub(" ", elements[0].text_content()).strip() if elements else None


def _block_text(body: Any) -> str:
    """The body's text with a line break around every block element and at each `<br>`;
    runs of whitespace inside a block become one space, as a browser shows them."""
    if body is None:
        return ""
    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "start":
            if tag in _BLOCKS or tag == "br":
                parts.append("\n")
            if tag is not None and element.text:
                parts.append(_SPACES.sub(" ", element.text))
            continue
        if tag in _BLOCKS:
            parts.append("\n")
        if element.tail and element is not body:
            parts.append(_SPACES.sub(" ", element.tail))
    return "".join(parts)
