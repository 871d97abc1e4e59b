"""Daily-meter benchmark: the daily path on the bundled real meters summed to local days.

    python benchmarks/forecast_daily.py            # ~4 min of CPU
    python benchmarks/forecast_daily.py --prior    # the band prior, from the training periods

Prints tables with each target beside its figure; asserts nothing.

Each bundled meter (``data/meters``: sample-0 and sample-1 UK with temperatures, hue-1 British
Columbia without), on the train/test splits of ``benchmarks/forecast.py``, is summed to local days
(:func:`recommender.forecast.data.daily_kwh`: what a daily meter would report; a day with an
unread hour is missing) and forecast as a daily-only household would be
(:func:`recommender.forecast.forecast_household` on ``reading_interval_minutes=1440``). The
global model is fitted on the meter's own hourly training period, as ``greenrec evaluate`` and
``benchmarks/forecast.py`` do (a daily household would get the model trained on others: no test
day is seen either way). Scored on the test days, daily CVRMSE and NMBE (ASHRAE sign, positive =
under-forecast), P10-P90 coverage and the share of days below P50, for:

* **year-ahead**: one origin before the test period, the year ahead from the training days, the
  actual test temperatures where the meter has them;
* **week-ahead**: an origin every 7 days of the test period (each local midnight a week apart),
  the 7 days after it from everything before it (at most 365 days).

Beside it, on the same days: the **hourly path** on the same meter's hours (what the meter would
get if it had hours; summed to days, no daily bands: summed hourly quantiles are not daily ones),
and a **plain baseline**: year-ahead the mean of the training year's same week (the 7 days around
the same weekday 364 days earlier), week-ahead the day-of-week mean of the last 8 weeks.

``--prior`` prints the pooled ratio quantiles (actual / forecast) of the daily path's week-ahead
and later days on the three meters' TRAINING periods only (origins every 7 days from day 28 of
the training period, history from its start): the prior of ``recommender.forecast.daily_level``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from forecast import (  # benchmarks/forecast.py (scripts run from benchmarks/)
    BELOW_P50_TARGET,
    COVERAGE_TARGET,
    METERS,
    band_checks,
    load,
)

from recommender.domain import Household, Tariff
from recommender.forecast import GlobalForecaster, daily_level, forecast_household
from recommender.forecast.data import daily_kwh, local_date_mask
from recommender.forecast.evaluate import coverage, cvrmse, nmbe, share_below
from recommender.forecast.weather import zone_latitude

WEEK = 7
WIDEN_CANDIDATES = (1.0, 1.1, 1.2, 1.3)
HALF_LIFE_CANDIDATES = (90.0, 28.0, 14.0, 7.0)


def household(kwh: pd.Series, temps: pd.Series | None, zone: str, minutes: int) -> Household:
    return Household(
        household_id="bench",
        region="GB",
        timezone=zone,
        tariff=Tariff(type="flat", currency="GBP", price_per_kwh=0.3),
        readings_kwh=kwh,
        temperature_c=temps,
        reading_interval_minutes=minutes,
    )


def fitted(name: str) -> tuple[GlobalForecaster, dict]:
    """The meter's model (fitted on its hourly training period) and its data, days by local date."""
    hourly, temps, train, test, zone = load(name)
    latitude, _ = zone_latitude(zone, GlobalForecaster().latitude_deg)
    in_train = local_date_mask(pd.DatetimeIndex(hourly.index), zone, *train)
    model = GlobalForecaster(timezone=zone, latitude_deg=latitude)
    model.fit([hourly[in_train]], temperatures=[temps])
    days = daily_kwh(hourly, zone)
    dates = by_date(days.index, zone)
    return model, {
        "hourly": hourly,
        "temps": temps,
        "zone": zone,
        "days": days,
        "actual": pd.Series(days.to_numpy(), index=dates),
        "train": _dates(train),
        "test": _dates(test),
    }


def _dates(period: tuple[str, str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(period[0]), pd.Timestamp(period[1])


def by_date(index: pd.Index, zone: str) -> pd.DatetimeIndex:
    """Local dates (tz-naive midnights) of UTC day starts in ``zone``."""
    return pd.DatetimeIndex(index).tz_convert(zone).tz_localize(None).normalize()


def daily_forecast(model, data: dict, origin: pd.Timestamp, hours: int) -> pd.DataFrame:
    """The daily path from the days before local date ``origin``, by local date."""
    days = data["days"][data["actual"].index < origin]
    days = days[by_date(days.index, data["zone"]) >= data["train"][0]]
    answer = forecast_household(model, household(days, data["temps"], data["zone"], 1440), hours)
    dates = pd.date_range(origin, periods=len(answer.kwh), freq="D")
    columns = {"mean": answer.kwh, "p10": answer.p10, "p50": answer.p50, "p90": answer.p90}
    return pd.DataFrame(columns, index=dates)


def hourly_forecast(model, data: dict, origin: pd.Timestamp, hours: int) -> pd.DataFrame:
    """The hourly path from the hours before local date ``origin``, summed to local days."""
    zone, kwh = data["zone"], data["hourly"]
    local = by_date(kwh.index, zone)
    history = kwh[(local < origin) & (local >= data["train"][0])]
    answer = forecast_household(model, household(history, data["temps"], zone, 60), hours)
    index = pd.date_range(answer.start, periods=len(answer.kwh), freq="h")
    summed = daily_kwh(pd.Series(answer.kwh, index=index), zone)
    return pd.DataFrame({"mean": summed.to_numpy()}, index=by_date(summed.index, zone))


def year_ahead(model: GlobalForecaster, data: dict) -> dict[str, pd.DataFrame]:
    first = data["test"][0]
    actual = data["actual"]
    training = actual[(actual.index >= data["train"][0]) & (actual.index <= data["train"][1])]
    year_ago = training.rolling(WEEK, center=True, min_periods=4).mean()
    year_ago.index = year_ago.index + pd.Timedelta(days=364)  # local dates: same weekday
    return {
        "daily path": daily_forecast(model, data, first, 8760),
        "hourly path": hourly_forecast(model, data, first, 8760),
        "baseline": year_ago.to_frame("mean"),
    }


def week_ahead(model: GlobalForecaster, data: dict) -> dict[str, pd.DataFrame]:
    first, last = data["test"]
    actual = data["actual"]
    parts: dict[str, list[pd.DataFrame]] = {"daily path": [], "hourly path": [], "baseline": []}
    origin = first
    while origin + pd.Timedelta(days=WEEK - 1) <= last:
        parts["daily path"].append(daily_forecast(model, data, origin, 24 * WEEK))
        parts["hourly path"].append(hourly_forecast(model, data, origin, 24 * WEEK))
        recent = actual[(actual.index < origin) & (actual.index >= origin - pd.Timedelta(days=56))]
        means = recent.groupby(recent.index.day_of_week).mean()
        dates = pd.date_range(origin, periods=WEEK, freq="D")
        parts["baseline"].append(
            pd.DataFrame({"mean": means.reindex(dates.day_of_week).to_numpy()}, index=dates)
        )
        origin += pd.Timedelta(days=WEEK)
    return {k: pd.concat(v) for k, v in parts.items()}


def cost_ms(model: GlobalForecaster, data: dict, repeats: int = 20) -> float:
    """Median CPU-ms of one daily household's forecast from its year before the test period
    (one OpenMP thread, as the forecast runs; its weather, if any, is its own)."""
    seconds = []
    for _ in range(repeats):
        cpu = time.process_time()
        daily_forecast(model, data, data["test"][0], 24 * WEEK)
        seconds.append(time.process_time() - cpu)
    return 1000 * float(np.median(seconds))


def scores(actual: pd.Series, frame: pd.DataFrame, test: tuple) -> dict[str, float]:
    """Daily CVRMSE, NMBE and, with bands, coverage and below-P50 over the test days."""
    frame = frame[(frame.index >= test[0]) & (frame.index <= test[1])]
    a = actual.reindex(frame.index).to_numpy(dtype=np.float64)
    f = frame["mean"].to_numpy(dtype=np.float64)
    out = {
        "cvrmse": cvrmse(a, f),
        "nmbe": nmbe(a, f),
        "days": float((~np.isnan(a) & ~np.isnan(f)).sum()),
    }
    if "p10" in frame:
        out["cover"] = coverage(a, frame["p10"].to_numpy(), frame["p90"].to_numpy())
        out["below"] = share_below(a, frame["p50"].to_numpy())
    return out


def accuracy() -> None:
    header = (
        f"{'horizon':<12}{'model':<13}{'meter':<10}{'days':>6}{'CVRMSE':>8}{'NMBE*':>8}"
        f"{'cover':>7}{'<P50':>6}"
    )
    print(
        "== Daily accuracy per meter (daily CVRMSE %; *NMBE % ASHRAE: positive = "
        "under-forecast; P10-P90 coverage % and days below P50 %, daily path only) =="
    )
    print(header)
    print("-" * len(header))
    checks = []
    for name in METERS:
        cpu = time.process_time()
        model, data = fitted(name)
        for horizon, run in (("year-ahead", year_ahead), ("week-ahead", week_ahead)):
            for label, frame in run(model, data).items():
                got = scores(data["actual"], frame, data["test"])
                band = f"{got['cover']:>7.1f}{got['below']:>6.1f}" if "cover" in got else ""
                print(
                    f"{horizon:<12}{label:<13}{name:<10}{got['days']:>6.0f}{got['cvrmse']:>8.1f}"
                    f"{got['nmbe']:>+8.1f}{band}"
                )
                if "cover" in got:
                    checks += _checks(horizon, name, got)
        print(f"{'':<12}({name}: {time.process_time() - cpu:.1f} CPU-s with the fit)")
        print(f"{'':<12}({name}: {cost_ms(model, data):.1f} CPU-ms per daily household, year)")
    print("\n== Targets ==")
    for label, met, figure in checks:
        print(f"  [{'met' if met else 'MISSED'}] {label}: {figure}")


def _checks(horizon: str, name: str, got: dict) -> list[tuple[str, bool, str]]:
    return band_checks(f"{horizon} {name}", "days", got["cover"], got["below"])


def prior() -> None:
    """The prior and the widening of ``recommender.forecast.daily_level`` from the training
    periods alone (module docstring)."""
    candidates = {"WEEK_HALF_LIFE_DAYS": HALF_LIFE_CANDIDATES, "BAND_WIDEN": WIDEN_CANDIDATES}
    for setting, values in candidates.items():  # one at a time, the other as set
        kept = getattr(daily_level, setting)
        for value in values:
            setattr(daily_level, setting, value)
            print(
                f"WEEK_HALF_LIFE_DAYS {daily_level.WEEK_HALF_LIFE_DAYS}, "
                f"BAND_WIDEN {daily_level.BAND_WIDEN}:"
            )
            _training_backtest()
        setattr(daily_level, setting, kept)


def _training_backtest() -> None:
    week: list[float] = []
    later: list[float] = []
    inside: list[bool] = []
    pairs: list[tuple[float, float]] = []
    below: list[bool] = []
    for name in METERS:
        model, data = fitted(name)
        first, last = data["train"]
        actual = data["actual"]
        origin = first + pd.Timedelta(days=28)
        while origin <= last - pd.Timedelta(days=WEEK):
            days_left = int((last - origin).days) + 1
            frame = daily_forecast(model, data, origin, 24 * days_left)
            ratio = (actual.reindex(frame.index) / frame["mean"]).to_numpy()
            week += list(ratio[:WEEK][~np.isnan(ratio[:WEEK])])
            a = actual.reindex(frame.index[:WEEK])
            read = a.notna().to_numpy()
            inside += list(((a >= frame["p10"][:WEEK]) & (a <= frame["p90"][:WEEK]))[read])
            below += list((a < frame["p50"][:WEEK])[read])
            pairs += list(zip(a[read], frame["mean"][:WEEK][read], strict=True))
            later += list(ratio[~np.isnan(ratio)])
            origin += pd.Timedelta(days=WEEK)
    for label, values in (("week-ahead", week), ("all leads", later)):
        q = np.quantile(values, [0.1, 0.5, 0.9])
        print(
            f"  {label}: {len(values)} day errors, ratio quantiles P10/P50/P90 "
            f"{q[0]:.3f}/{q[1]:.3f}/{q[2]:.3f}"
        )
    print(
        f"  week-ahead daily CVRMSE {cvrmse(*map(np.array, zip(*pairs, strict=True))):.2f} %; "
        f"bands: P10-P90 coverage "
        f"{100 * np.mean(inside):.1f} % (target {COVERAGE_TARGET}), below P50 "
        f"{100 * np.mean(below):.1f} % (target {BELOW_P50_TARGET})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prior", action="store_true", help="the band prior (training periods)")
    args = parser.parse_args()
    prior() if args.prior else accuracy()


if __name__ == "__main__":
    main()
