"""Article bodies as safe HTML: whatever the editor sends is cleaned with an allow-list (nh3, the Ammonia
sanitiser) before it is stored, so a page can print the body without escaping it."""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def body_clean(raw: str) -> str:
    """The allowed tags and attributes of `raw`; scripts and styles go with their content, event handlers and
    javascript:/data: links are dropped, and links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        raw or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def body_text(clean_html: str) -> str:
    """Plain text of a cleaned body (for the search index and summaries)."""
    text = _BLOCK_END.sub("\n", clean_html or "")
    text = html.unescape(_TAG.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def summary_from(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
