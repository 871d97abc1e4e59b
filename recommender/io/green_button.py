"""Importer for Green Button downloads (NAESB ESPI REQ.21, Atom + XML), the export North American
utilities give their customers ("Download My Data").

The parts read, as the OpenESPI reference implementation writes them: each ``ReadingType`` says
the unit (``uom`` 72 = Wh), the ``powerOfTenMultiplier`` and the ``flowDirection`` (1 = delivered
to the customer); each ``IntervalBlock`` holds ``IntervalReading`` elements with
``timePeriod/start`` (Unix seconds, UTC), ``timePeriod/duration`` (seconds) and ``value``. Atom
links tie a block to its meter reading (``rel="up"``) and the reading to its ReadingType
(``rel="related"``); a file with a single ReadingType needs no links.

Only delivered electricity in Wh becomes readings; a file that has none (gas in therms, only
exported solar, cost only) is refused with a problem that says what it holds. The XML is parsed by
defusedxml with DTDs, entities and external references forbidden, after a size check, so a
hostile file cannot expand or reach out.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from recommender.errors import InvalidInput, Problem
from recommender.io import schema

ESPI = "{http://naesb.org/espi}"
ATOM = "{http://www.w3.org/2005/Atom}"
UOM_WH = "72"
FORWARD = "1"  # flowDirection: delivered to the customer
EXPECTED = "a Green Button (ESPI) XML download with IntervalBlock readings of electricity in Wh"


def read_green_button(
    path: str | Path, household_id: str, *, max_bytes: int | None = None
) -> pd.DataFrame:
    """Read a Green Button ESPI XML file as a readings table (household_id, timestamp UTC, kwh).

    Raises :class:`InvalidInput` naming the file and what is wrong: too large, not XML, a DTD or
    entity declaration, no electricity readings in Wh, or a reading that is not a number.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(Problem(str(path), "file not found", "an existing file"), str(path))
    limit = schema.MAX_FILE_BYTES if max_bytes is None else max_bytes
    schema.check_size(path.stat().st_size, limit, path.name)
    root = _parse(path.read_bytes(), path.name)
    types = _reading_types(root, path.name)
    by_reading = _meter_reading_types(root, types)
    problems: list[Problem] = []
    rows: list[tuple[int, float]] = []
    for entry, block in _blocks(root):
        reading_type = _type_of(entry, types, by_reading)
        if reading_type is None or not _is_delivered_wh(reading_type):
            continue
        scale = 10.0 ** int(_text(reading_type, "powerOfTenMultiplier") or "0") / 1000.0
        for n, reading in enumerate(block.iter(f"{ESPI}IntervalReading")):
            start, value = _text(reading, "timePeriod/start"), _text(reading, "value")
            try:
                rows.append((int(start or ""), float(value or "") * scale))
            except ValueError:
                problems.append(
                    Problem(
                        f"{path.name} IntervalReading {n + 1} of block starting "
                        f"{_text(block, 'interval/start')}",
                        f"start {start!r} or value {value!r} is not a number",
                        "timePeriod/start in Unix seconds and a numeric value",
                    )
                )
    if problems:
        limit = schema.MAX_PROBLEMS_PER_KIND
        if len(problems) > limit:
            problems[limit:] = [
                Problem(path.name, f"{len(problems) - limit} more reading(s) like these", "")
            ]
        raise InvalidInput(problems, source=path.name)
    if not rows:
        held = sorted({f"uom {_text(t, 'uom')}" for t in types.values()}) or ["no ReadingType"]
        raise InvalidInput(
            Problem(
                path.name, f"has no delivered electricity readings ({', '.join(held)})", EXPECTED
            ),
            source=path.name,
        )
    seconds, kwh = zip(*rows, strict=True)
    stamps = pd.to_datetime(pd.Series(seconds, dtype="int64"), unit="s", utc=True)
    frame = pd.DataFrame(
        {"household_id": household_id, "timestamp": stamps.dt.as_unit("ns"), "kwh": kwh}
    )
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def _parse(data: bytes, name: str) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InvalidInput(
            Problem(name, f"declares a DTD or entities, refused for safety ({exc})", EXPECTED),
            source=name,
        ) from None
    except ParseError as exc:
        raise InvalidInput(
            Problem(f"{name} line {exc.position[0]}", f"is not well-formed XML ({exc})", EXPECTED),
            source=name,
        ) from None


def _text(element: Element, path: str) -> str | None:
    found = element.find("/".join(f"{ESPI}{part}" for part in path.split("/")))
    return found.text.strip() if found is not None and found.text else None


def _links(entry: Element | None, rel: str) -> list[str]:
    if entry is None:
        return []
    return [link.get("href", "") for link in entry.iter(f"{ATOM}link") if link.get("rel") == rel]


def _reading_types(root: Element, name: str) -> dict[str, Element]:
    """ReadingType elements by their entry's self link ("" when the entry has none)."""
    types: dict[str, Element] = {}
    for entry in [root, *root.iter(f"{ATOM}entry")]:
        for reading_type in entry.findall(f"{ATOM}content/{ESPI}ReadingType"):
            types[(_links(entry, "self") or [""])[0]] = reading_type
    for reading_type in root.iter(f"{ESPI}ReadingType"):  # a bare ESPI document, no Atom
        if reading_type not in types.values():
            types[""] = reading_type
    if not types:
        raise InvalidInput(Problem(name, "has no ReadingType", EXPECTED), source=name)
    return types


def _blocks(root: Element) -> list[tuple[Element | None, Element]]:
    """Each IntervalBlock with the Atom entry that carries it (None in a bare ESPI document)."""
    pairs: list[tuple[Element | None, Element]] = []
    seen: set[int] = set()
    for entry in root.iter(f"{ATOM}entry"):
        for block in entry.iter(f"{ESPI}IntervalBlock"):
            pairs.append((entry, block))
            seen.add(id(block))
    pairs.extend((None, b) for b in root.iter(f"{ESPI}IntervalBlock") if id(b) not in seen)
    return pairs


def _meter_reading_types(root: Element, types: dict[str, Element]) -> dict[str, Element]:
    """ReadingType of each MeterReading entry (by its self link), through its related links."""
    found: dict[str, Element] = {}
    for entry in root.iter(f"{ATOM}entry"):
        related = [types[href] for href in _links(entry, "related") if href in types]
        for href in _links(entry, "self") if related else []:
            found[href] = related[0]
    return found


def _type_of(
    entry: Element | None, types: dict[str, Element], by_reading: dict[str, Element]
) -> Element | None:
    """The ReadingType of a block: through its meter reading's links, or the only one there is."""
    if len(types) == 1:
        return next(iter(types.values()))
    for up in _links(entry, "up"):
        reading_type = by_reading.get(up.rsplit("/IntervalBlock", 1)[0])
        if reading_type is not None:
            return reading_type
    return None


def _is_delivered_wh(reading_type: Element) -> bool:
    direction = _text(reading_type, "flowDirection") or FORWARD
    return _text(reading_type, "uom") == UOM_WH and direction == FORWARD


__all__ = ["read_green_button"]
