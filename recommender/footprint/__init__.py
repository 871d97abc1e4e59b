"""The engine's own footprint: a meter for training and inference, embodied emissions, reports.

``with measure("train-forecaster", region="GB") as m: ...`` then ``m.footprint``; see
:mod:`recommender.footprint.meter` for how energy is obtained and
:mod:`recommender.footprint.report` for the reports and :func:`carbon_payback`.
"""

from recommender.footprint.estimate import Estimate
from recommender.footprint.meter import Meter, measure
from recommender.footprint.report import (
    EMISSIONS_CSV_COLUMNS,
    carbon_payback,
    carbon_payback_range,
    emissions_csv_row,
    footprint_from_dict,
    format_text,
    share_of,
    write_emissions_csv,
)

__all__ = [
    "EMISSIONS_CSV_COLUMNS",
    "Estimate",
    "Meter",
    "carbon_payback",
    "carbon_payback_range",
    "emissions_csv_row",
    "footprint_from_dict",
    "format_text",
    "measure",
    "share_of",
    "write_emissions_csv",
]
