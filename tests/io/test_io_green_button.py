"""The Green Button (ESPI XML) importer, on the Green Button Alliance's published sample.

tests/io/examples/green-button-gba-sample.xml is an excerpt of the Alliance's OpenESPI sample
(Apache-2.0; source and changes in tests/io/examples/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.errors import InvalidInput
from recommender.io.green_button import read_green_button

EXAMPLE = Path(__file__).parent / "examples" / "green-button-gba-sample.xml"


def test_reads_the_alliance_sample_as_kwh_at_utc() -> None:
    table = read_green_button(EXAMPLE, "h-gb")
    assert list(table.columns) == ["household_id", "timestamp", "kwh"]
    assert len(table) == 24
    # the file's first reading: start 1330578000 (2012-03-01 05:00 UTC), 282 Wh, uom 72, 10^0
    assert table["timestamp"].iloc[0] == pd.Timestamp("2012-03-01T05:00:00Z")
    assert table["kwh"].iloc[0] == pytest.approx(0.282)
    assert table["kwh"].iloc[-1] == pytest.approx(0.876)
    assert (table["timestamp"].diff().dropna() == pd.Timedelta(minutes=15)).all()
    assert str(table["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_power_of_ten_multiplier_scales_the_values(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace(
        "<powerOfTenMultiplier>0</powerOfTenMultiplier>",
        "<powerOfTenMultiplier>-3</powerOfTenMultiplier>",
    )
    (tmp_path / "milli.xml").write_text(text)
    table = read_green_button(tmp_path / "milli.xml", "h")
    assert table["kwh"].iloc[0] == pytest.approx(0.282e-3)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<feed>&lol2;</feed>"
    )
    (tmp_path / "bomb.xml").write_text(bomb)
    with pytest.raises(InvalidInput, match="refused for safety"):
        read_green_button(tmp_path / "bomb.xml", "h")


def test_not_xml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "broken.xml").write_text("<feed>\n<entry>\n</feed>")
    with pytest.raises(InvalidInput) as caught:
        read_green_button(tmp_path / "broken.xml", "h")
    assert caught.value.problems[0].where == "broken.xml line 3"


def test_gas_only_file_is_refused_saying_what_it_holds(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("<uom>72</uom>", "<uom>169</uom>")
    (tmp_path / "gas.xml").write_text(text)
    with pytest.raises(InvalidInput, match="no delivered electricity readings \\(uom 169\\)"):
        read_green_button(tmp_path / "gas.xml", "h")


def test_a_bad_value_is_named(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("<value>282</value>", "<value>n/a</value>")
    (tmp_path / "bad.xml").write_text(text)
    with pytest.raises(InvalidInput) as caught:
        read_green_button(tmp_path / "bad.xml", "h")
    problem = caught.value.problems[0]
    assert "IntervalReading 1" in problem.where and "'n/a'" in problem.problem


def test_size_limit_is_checked_before_parsing() -> None:
    with pytest.raises(InvalidInput, match="at most"):
        read_green_button(EXAMPLE, "h", max_bytes=1000)


def test_export_readings_are_left_out_when_links_tie_them_to_a_reverse_flow_type(
    tmp_path: Path,
) -> None:
    """A second meter reading (exported solar, flowDirection 19) linked to its own ReadingType."""
    text = EXAMPLE.read_text()
    block_start = text.index("\t<entry>\n\t\t<id>urn:uuid:FE9A61BB")
    block = text[block_start : text.index("</feed>")]
    export_block = block.replace("MeterReading/01/", "MeterReading/02/")
    type_start = text.index("\t<entry>\n\t\t<id>urn:uuid:3430B025")
    type_entry = text[type_start:block_start]
    export_type = type_entry.replace("ReadingType/07", "ReadingType/08").replace(
        "<flowDirection>1</flowDirection>", "<flowDirection>19</flowDirection>"
    )
    reading_start = text.index("\t<entry>\n\t\t<id>urn:uuid:F77FBF34")
    export_reading = (
        text[reading_start:type_start]
        .replace("MeterReading/01", "MeterReading/02")
        .replace("ReadingType/07", "ReadingType/08")
    )
    both = text.replace("</feed>", export_reading + export_type + export_block + "</feed>")
    (tmp_path / "both.xml").write_text(both)
    table = read_green_button(tmp_path / "both.xml", "h")
    assert len(table) == 24
