"""Reading the pages back as a member's browser shows them: tables by section, and text."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

Rows = list[tuple[str, list[str]]]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Rows] = {}
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
        elif tag == "tbody":
            self._in_body = True
            self.tables.setdefault(self._section, [])
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if len(self._row) > 1:
                self.tables[self._section].append((self._row[0], self._row[1:]))
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_in(html: str) -> dict[str, Rows]:
    """Each section's table body: (row heading, cells) per row, keyed by the section's id."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(text: str) -> Rows:
    rows = list(csv.reader(io.StringIO(text)))
    return [(row[0], row[1:]) for row in rows[1:]]


class _Options(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.options: list[tuple[str, str]] = []
        self._in_channels = False
        self._value: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self._in_channels = dict(attrs).get("name") == "channel"
        elif tag == "option" and self._in_channels:
            self._value, self._text = dict(attrs).get("value") or "", []
        elif self._value is not None:
            self._text.append(f"<{tag}>")  # markup inside an option: a name left unescaped

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._value is not None:
            self.options.append((self._value, "".join(self._text).strip()))
            self._value = None
        elif tag == "select":
            self._in_channels = False

    def handle_data(self, data: str) -> None:
        if self._value is not None:
            self._text.append(data)


def channel_options(html: str) -> list[tuple[str, str]]:
    """The dashboard's channel choices as a browser shows them: (value sent, label read)."""
    parser = _Options()
    parser.feed(html)
    return parser.options
