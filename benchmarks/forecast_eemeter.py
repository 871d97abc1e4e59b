"""Run eemeter's hourly model on one split; called by benchmarks/forecast.py from its own venv.

    ~/.cache/greenrec/eemeter-venv/bin/python benchmarks/forecast_eemeter.py IN.csv OUT.csv ZONE

This file imports only eemeter, pandas and numpy (eemeter needs pandas<3 and scikit-learn<1.6,
which greenrec's environment does not have), so benchmarks/forecast.py creates a separate virtual
environment for it. ``IN.csv`` has columns ``timestamp`` (UTC), ``kwh``, ``celsius`` and ``train``
(1 for the baseline hours, 0 for the hours to predict); ``ZONE`` is the meter's IANA zone (eemeter
reads days in the index's zone). ``OUT.csv`` gets ``timestamp`` and ``predicted_kwh`` for the
hours to predict, and a last line ``# cpu_seconds=...``: the CPU-seconds of fit plus predict.
eemeter's data warnings are printed to stderr; its disqualifications are ignored
(``ignore_disqualification=True``) so that every meter gets a figure, and printed as well.
"""

from __future__ import annotations

import sys
import time
import warnings

import pandas as pd
from eemeter.eemeter.models.hourly import HourlyBaselineData, HourlyModel, HourlyReportingData


def main(source: str, target: str, zone: str) -> None:
    frame = pd.read_csv(source, parse_dates=["timestamp"]).set_index("timestamp")
    frame.index = pd.DatetimeIndex(frame.index).tz_convert(zone)  # eemeter's days are local
    data = pd.DataFrame(
        {"observed": frame["kwh"], "temperature": frame["celsius"] * 9.0 / 5.0 + 32.0}
    )
    train = frame["train"].to_numpy() == 1
    cpu = time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        baseline = HourlyBaselineData(data[train], is_electricity_data=True)
        model = HourlyModel().fit(baseline, ignore_disqualification=True)
        reporting = HourlyReportingData(data[~train], is_electricity_data=True)
        predicted = model.predict(reporting, ignore_disqualification=True)
    seconds = time.process_time() - cpu
    for issue in baseline.disqualification + baseline.warnings:
        print(f"eemeter baseline: {getattr(issue, 'qualified_name', issue)}", file=sys.stderr)
    print(f"eemeter: {len(caught)} Python warnings while fitting", file=sys.stderr)
    out = pd.DataFrame(
        {"predicted_kwh": predicted["predicted"].to_numpy()},
        index=pd.DatetimeIndex(predicted.index).tz_convert("UTC"),
    )
    out.index.name = "timestamp"
    out.to_csv(target)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(f"# cpu_seconds={seconds:.3f}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
