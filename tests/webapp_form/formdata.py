"""The start page's fields as a browser would send them, read from the page itself."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._first: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        kind = a.get("type", "text")
        if tag == "input" and name and kind in ("text", "hidden"):
            self.data[name] = a.get("value", "")
        elif tag == "input" and kind == "checkbox" and "checked" in a:
            self.data.setdefault(name, []).append(a.get("value", "y"))
        elif tag == "input" and kind == "radio" and "checked" in a:
            self.data[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            self._first.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first.get(self._select, ""))
            self._select = None


def form_fields(html: str) -> dict[str, Any]:
    """Every field's submitted value on the page (text, hidden, checked boxes, selected option)."""
    parser = _Fields()
    parser.feed(html)
    return parser.data
