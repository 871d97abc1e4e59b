"""Meter exports of the kinds people download, written from a real meter for the form's tests.

The readings are real (OpenEEmeter UK sample meter 0, data/meters); the files around them are
built to each published layout, because no openly licensed export long enough to forecast from
exists (the Green Button Alliance's sample has one day; see tests/io/examples/README.md):
- Green Button: an Atom feed with a UsagePoint (electricity), a MeterReading linked to a
  ReadingType (uom 72 = Wh, powerOfTenMultiplier 0, flowDirection 1) and one IntervalBlock a day
  of IntervalReadings (timePeriod start in Unix seconds, value in whole Wh), as the OpenESPI
  sample lays them out;
- UK supplier CSV: `` Consumption (kWh), Start, End`` with Europe/London offsets, as Octopus's
  dashboard download; hourly, or daily (one row per whole local day, midnight to midnight: 23 or
  25 hours across a clock change).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from home_meters import whole_local_days

RESOURCE = "/espi/1_1/resource/RetailCustomer/1/UsagePoint/1"


def _entry(self_href: str, content: str, related: tuple[str, ...] = (), up: str = "") -> str:
    links = [f'<link rel="self" href="{escape(self_href)}"/>']
    links += [f'<link rel="up" href="{escape(up)}"/>'] if up else []
    links += [f'<link rel="related" href="{escape(h)}"/>' for h in related]
    return f"<entry>{''.join(links)}<content>{content}</content></entry>"


def write_green_button(readings: pd.Series, path: Path) -> Path:
    """``readings``: kWh per hour on a UTC index."""
    espi = 'xmlns="http://naesb.org/espi"'
    reading_type = (
        f"<ReadingType {espi}><commodity>1</commodity><flowDirection>1</flowDirection>"
        "<intervalLength>3600</intervalLength><powerOfTenMultiplier>0</powerOfTenMultiplier>"
        "<uom>72</uom></ReadingType>"
    )
    entries = [
        _entry(
            RESOURCE,
            f"<UsagePoint {espi}><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>",
        ),
        _entry(
            f"{RESOURCE}/MeterReading/01",
            f"<MeterReading {espi}/>",
            related=(
                f"{RESOURCE}/MeterReading/01/IntervalBlock",
                "/espi/1_1/resource/ReadingType/01",
            ),
        ),
        _entry("/espi/1_1/resource/ReadingType/01", reading_type),
    ]
    clean = readings.dropna()
    for day, values in clean.groupby(clean.index.floor("D")):
        rows = "".join(
            f"<IntervalReading><timePeriod><duration>3600</duration><start>{t.value // 10**9}"
            f"</start></timePeriod><value>{round(v * 1000)}</value></IntervalReading>"
            for t, v in values.items()
        )
        block = (
            f"<IntervalBlock {espi}><interval><duration>86400</duration>"
            f"<start>{day.value // 10**9}</start></interval>{rows}</IntervalBlock>"
        )
        entries.append(
            _entry(
                f"{RESOURCE}/MeterReading/01/IntervalBlock/{day:%Y%m%d}",
                block,
                up=f"{RESOURCE}/MeterReading/01/IntervalBlock",
            )
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        + "".join(entries)
        + "</feed>"
    )
    return path


def write_supplier_csv(readings: pd.Series, path: Path, timezone: str = "Europe/London") -> Path:
    lines = [" Consumption (kWh), Start, End"]
    for t, v in readings.dropna().tz_convert(timezone).items():
        lines.append(f"{v:.3f}, {t.isoformat()}, {(t + pd.Timedelta(hours=1)).isoformat()}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_daily_supplier_csv(
    readings: pd.Series, path: Path, timezone: str = "Europe/London"
) -> Path:
    lines = [" Consumption (kWh), Start, End"]
    for day, v in whole_local_days(readings, timezone).tz_convert(timezone).items():
        lines.append(f"{v:.3f}, {day.isoformat()}, {(day + pd.DateOffset(days=1)).isoformat()}")
    path.write_text("\n".join(lines) + "\n")
    return path
