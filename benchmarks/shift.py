"""Load-shift back-test over the 2023 NESO year (GB): does the scheduler's choice pay off?

For every day of 2023 a 2 h dishwasher cycle usually started at 19:00 (Europe/London) is moved to
the start the scheduler picks from a forecast, and scored on the *actual* cleaned intensity. Two
forecasts: the offline climatology (season x day type x half-hour of 2023 - in-sample, so an
optimistic view of it; a 2-fold by-week cross-validated MAE is printed too) and NESO's own
day-ahead forecast replayed. Compared with the usual 19:00 start and with the day's best window in
hindsight. Also prints the REFERENCE check (best 3 h window vs daily mean) and the scheduler's
speed (median of repeated runs of one household's shift actions).

Run: python benchmarks/shift.py
"""

from __future__ import annotations

import time as clock
from dataclasses import replace
from datetime import time

import numpy as np
import pandas as pd

from recommender.actions.home.shift import choose_start, feasible_starts
from recommender.grid.model import IntensityProfileModel, calendar_features, gb_profile_model
from recommender.grid.neso import neso_2023


def daily_windows(values: pd.Series, n_slots: int) -> np.ndarray:
    """(days, 48) mean of a run of ``n_slots`` half-hours starting at each local half-hour."""
    local = values.tz_convert("Europe/London")
    frame = pd.DataFrame({"v": local.to_numpy()}, index=local.index)
    run = frame["v"].rolling(n_slots).mean().shift(-(n_slots - 1))
    table = pd.DataFrame(
        {
            "date": local.index.date,
            "slot": local.index.hour * 2 + local.index.minute // 30,
            "v": run.to_numpy(),
        }
    ).pivot_table(index="date", columns="slot", values="v", aggfunc="first")
    return table.dropna().to_numpy()


def cv_mae() -> float:
    """2-fold cross-validated MAE of the climatology (odd vs even ISO weeks)."""
    actual = neso_2023().actual_g_per_kwh
    features = calendar_features(actual.index)
    odd = np.asarray(actual.index.isocalendar().week) % 2 == 1
    errors = []
    for train in (odd, ~odd):
        model = IntensityProfileModel().fit(features[train], actual[train])
        errors.append(np.abs(model.predict(features[~train]) - actual[~train].to_numpy()))
    return float(np.concatenate(errors).mean())


def main() -> None:
    year = neso_2023()
    actual = year.actual_g_per_kwh
    print(year.cleaning.describe())
    features = calendar_features(actual.index)
    climatology = pd.Series(gb_profile_model().predict(features), index=actual.index)
    print(
        f"climatology MAE in-sample {gb_profile_model().mae_:.1f} g/kWh, 2-fold by week "
        f"{cv_mae():.1f}; NESO day-ahead forecast MAE "
        f"{year.cleaning.neso_forecast_mae_g_per_kwh:.1f}"
    )

    three_h = daily_windows(actual, 6)
    daily_mean = (
        actual.tz_convert("Europe/London")
        .groupby(actual.tz_convert("Europe/London").index.date)
        .mean()
    )
    in_day = actual.to_numpy().reshape(365, 48)  # UTC days, windows wholly inside the day
    in_day_best = np.stack([in_day[:, s : s + 6].mean(axis=1) for s in range(43)], 1).min(axis=1)
    print(
        f"REFERENCE check: best 3 h window {in_day_best.mean():.1f} (inside each UTC day) / "
        f"{np.nanmin(three_h, axis=1).mean():.1f} (local day, may run past midnight) vs daily "
        f"mean {daily_mean.mean():.1f} g/kWh (reference 111 vs 152)"
    )

    n_slots, usual = 4, 38  # 2 h dishwasher, 19:00
    truth = daily_windows(actual, n_slots)
    feasible = feasible_starts(usual, n_slots)
    price = np.zeros(48)
    rows = []
    for name, forecast in (
        ("climatology", climatology),
        ("NESO forecast", year.forecast_g_per_kwh),
    ):
        predicted = daily_windows(forecast, n_slots)
        days = min(len(predicted), len(truth))
        picks = np.array(
            [choose_start(predicted[d], price, feasible, usual, 1.0) for d in range(days)]
        )
        chosen = truth[np.arange(days), picks]
        rows.append(
            (
                name,
                truth[:days, usual].mean(),
                chosen.mean(),
                truth[:days].min(axis=1).mean(),
                (chosen > truth[:days, usual]).mean(),
            )
        )
    print("\n2 h cycle usually at 19:00, every day of 2023, scored on actual intensity (g/kWh):")
    print(
        f"{'forecast':<14} {'usual':>7} {'chosen':>7} {'best':>7} {'saved vs usual':>15} "
        f"{'of hindsight gap':>17} {'days worse':>11}"
    )
    for name, u, c, b, worse in rows:
        print(
            f"{name:<14} {u:7.1f} {c:7.1f} {b:7.1f} {u - c:9.1f} ({(u - c) / u:4.0%}) "
            f"{(u - c) / (u - b):16.0%} {worse:10.1%}"
        )

    # speed: one household's home actions (shift scheduling for 4 appliances, 7 days)
    from recommender.actions.home import home_actions
    from recommender.domain import Appliance, Household, Tariff
    from recommender.io.importers import read_eemeter_meter
    from recommender.resources import data_path

    meter = read_eemeter_meter(data_path("meters/uk-electricity-sample-0.csv.gz"))
    household = Household("sample-0", "GB", "Europe/London", Tariff("flat", "GBP", 0.245), meter)
    household = replace(
        household,
        appliances=tuple(
            Appliance(k, 4, time(19))
            for k in ("dishwasher", "washing_machine", "tumble_dryer", "ev_charger")
        ),
    )
    now = pd.Timestamp("2024-01-07", tz="UTC")
    home_actions(household, now=now)
    timings = []
    for _ in range(15):
        start = clock.perf_counter()
        home_actions(household, now=now)
        timings.append(clock.perf_counter() - start)
    print(
        f"\nhome_actions for sample-0 (4 appliances, 7 days, 2.7 years of readings): median "
        f"{np.median(timings) * 1000:.1f} ms over {len(timings)} runs"
    )


if __name__ == "__main__":
    main()
