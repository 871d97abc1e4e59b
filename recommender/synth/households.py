"""Synthetic households: region, time zone, tariff, appliances, people and what drives their meter.

Every figure below says where it comes from. "assumption" marks a figure chosen to give a plausible
population when no checked source was at hand; change it freely, nothing depends on its exact value.

Tariffs are synthetic: no open time-of-use price history exists (see data/README), so the flat
prices sit around published averages and the time-of-use bands are *shaped like* real UK products
(Economy 7, an EV night tariff, a 4-7 pm peak tariff) and the French "heures creuses" option, with
made-up multipliers of the flat price.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from recommender.domain import APPLIANCE_KINDS
from recommender.synth._blocks import (
    BLOCK,
    STREAM_TRAITS,
    block_rng,
    block_spans,
    household_ids,
)

# --- where people live -------------------------------------------------------------------------
# assumption: a mostly-GB population (GB has the real half-hourly grid data) with some FR/DE/US.
REGION_SHARES = {"GB": 0.85, "FR": 0.05, "DE": 0.05, "US": 0.05}
REGION_TIMEZONES = {
    "GB": {"Europe/London": 1.0},
    "FR": {"Europe/Paris": 1.0},
    "DE": {"Europe/Berlin": 1.0},
    # assumption: US zones weighted roughly by population (Eastern, Central, Mountain, Pacific).
    "US": {
        "America/New_York": 0.47,
        "America/Chicago": 0.29,
        "America/Denver": 0.07,
        "America/Los_Angeles": 0.17,
    },
}
CURRENCY = {"GB": "GBP", "FR": "EUR", "DE": "EUR", "US": "USD"}

# --- how much electricity (kWh/yr, lognormal: median and sigma of the log) ----------------------
# GB: Ofgem Typical Domestic Consumption Value from April 2024, electricity, medium = 2,700 kWh/yr
# (ofgem.gov.uk "Average gas and electricity usage"). Ofgem's low/high TDCVs (1,800 / 4,100 kWh,
# secondary) have a geometric mean of 2,717; assumption: we read them as the quartiles, which gives
# sigma = ln(4100 / 1800) / (2 * 0.6745) = 0.61.
# US: EIA, average annual electricity use of a US residential customer, 2022: 10,791 kWh
# (secondary, EIA FAQ; not rechecked). FR 4,500 and DE 3,000: assumption (French homes heat with
# electricity far more often; German figures quoted for 2-3 person homes are 2,500-3,500 kWh).
ANNUAL_KWH_MEDIAN = {"GB": 2700.0, "FR": 4500.0, "DE": 3000.0, "US": 10791.0}
ANNUAL_KWH_SIGMA = 0.61
# Share of homes heated by electricity (adds a temperature-driven load when temperature is given).
# GB: assumption ~8 % direct/storage electric heating, ~1 % heat pumps (order of magnitude of the
# English Housing Survey and of ~0.3-0.4 M heat pumps in ~28 M homes). FR: assumption ~35 %.
# US: EIA RECS 2020 reports electricity as the main heating fuel of ~40 % of homes (secondary).
HEATING_SHARES = {
    "GB": {"electric_heating": 0.08, "heat_pump": 0.01},
    "FR": {"electric_heating": 0.30, "heat_pump": 0.05},
    "DE": {"electric_heating": 0.03, "heat_pump": 0.03},
    "US": {"electric_heating": 0.30, "heat_pump": 0.10},
}
# kWh per degree-hour below 15.5 °C (the UK degree-day base). assumption: a home needing ~7,000 kWh
# of heat over ~48,000 GB degree-hours a year is ~0.15 kWh/degree-hour with direct electric
# heating (COP 1) and ~0.05 with a heat pump (seasonal COP ~3). Lognormal, sigma 0.4.
HEATING_KWH_PER_DEGREE_HOUR = {"electric_heating": 0.15, "heat_pump": 0.05}
HEATING_BASE_C = 15.5
# assumption: a household's routine runs up to +-2 h from the library's: round(N(0, 1 h)), clipped.
MAX_SHIFT_HOURS = 2

# --- tariffs -------------------------------------------------------------------------------------
# GB: Ofgem price cap 1 Apr - 30 Jun 2024, electricity, direct debit, GB average incl. VAT:
# 24.50 p/kWh. FR: EDF Tarif Bleu "base" Feb 2024 ~0.2516 EUR/kWh (secondary, not rechecked).
# DE: assumption ~0.40 EUR/kWh (2024 household averages quoted at 0.40-0.42). US: EIA average
# residential price 2023 ~0.16 USD/kWh (secondary). Spread between households: assumption, sd 6 %.
FLAT_PRICE = {"GB": 0.245, "FR": 0.2516, "DE": 0.40, "US": 0.16}
FLAT_PRICE_SD = 0.06
# assumption: share of households on a time-of-use tariff (GB: Economy 7 and smart ToU together;
# FR: "heures creuses" is a common option).
TOU_SHARE = {"GB": 0.15, "FR": 0.35, "DE": 0.02, "US": 0.10}
# Synthetic ToU products: (start, end, multiplier of the region's flat price); end exclusive, wraps.
TOU_PRODUCTS = {
    "night7": (("00:00", "07:00", 0.60), ("07:00", "00:00", 1.20)),  # shaped like Economy 7
    "ev_night": (("00:30", "05:30", 0.35), ("05:30", "00:30", 1.05)),  # like an EV night tariff
    "peak": (("00:00", "16:00", 0.90), ("16:00", "19:00", 1.60), ("19:00", "00:00", 0.90)),
    "heures_creuses": (("22:00", "06:00", 0.82), ("06:00", "22:00", 1.10)),  # FR HP/HC option
}

# --- people --------------------------------------------------------------------------------------
# Household size 1..5: ONS Families and households (UK, 2023): ~30 % one-person, mean ~2.36
# (secondary); the split of 2..5 is an assumption giving a mean of 2.32.
PERSONS_P = np.array([0.30, 0.35, 0.15, 0.13, 0.07])
CHILDREN_IF_3PLUS = 0.75  # assumption: share of 3+ person households with school-age children
ADULT_EMPLOYED = 0.60  # assumption: share of adults who commute (includes retired households)
NO_CAR_SHARE = 0.22  # NTS (England) reports about a fifth to a quarter of households without a car
# assumption, after DfT licensed-car statistics (2023, approx.): petrol, diesel, hybrid, battery EV.
CAR_FUELS = ("car_petrol", "car_diesel", "car_hybrid", "car_electric")
CAR_FUEL_P = np.array([0.58, 0.31, 0.07, 0.04])
EV_HOME_CHARGER = 0.90  # assumption: most EV owners charge at home

# --- appliances: ownership, cycles per week, usual local start ----------------------------------
# Ownership: ONS Family Spending / Expenditure and Food Survey 2004-05: washing machine 95 %,
# tumble dryer 58 %, dishwasher 33 % (checked in the ONS release); assumption: washing machines
# ~97 % and dishwashers ~50 % today (the dishwasher trend has risen for decades); tumble dryer kept.
# Oven (electric) ~60 % and kettle ~97 %: assumption (many UK homes cook on gas).
# Cycles per week: washing machine ~220 cycles/yr = 4.2/wk (Energy Saving Trust, secondary);
# dishwasher ~280/yr = 5.4/wk (EU ecodesign test basis); tumble dryer ~160/yr = 3.1/wk (EU label
# basis); scaled here by household size (assumption). EV: ~2.5 sessions/wk (assumption: ~11,000 km
# a year at 0.18 kWh/km in ~20 kWh sessions).
OWNERSHIP = {
    "washing_machine": 0.97,
    "dishwasher": 0.50,
    "tumble_dryer": 0.58,
    "oven": 0.60,
    "kettle": 0.97,
}
USUAL_START_KNOWN = 0.7  # assumption: 30 % of households leave usual_start empty (= infer)


def draw_traits(n_households: int, seed: int = 0, first_household: int = 0) -> pd.DataFrame:
    """Every drawn attribute of households ``first_household .. + n_households - 1``.

    One row per household; the households table (:func:`households_table`) is a view of it, the
    meters and trips generators read the rest (annual_kwh, shift_hours, heating, persons, ...).
    The same (seed, household index) always gives the same row, however the range is chunked.
    """
    parts = [
        _draw_block(seed, block).iloc[lo:hi]
        for block, lo, hi in block_spans(first_household, n_households)
    ]
    return pd.concat(parts, ignore_index=True)


def _draw_block(seed: int, block: int) -> pd.DataFrame:
    rng = block_rng(seed, STREAM_TRAITS, block)
    n = BLOCK
    index = np.arange(block * BLOCK, (block + 1) * BLOCK, dtype=np.int64)
    regions = np.array(list(REGION_SHARES))
    region = regions[rng.choice(len(regions), size=n, p=list(REGION_SHARES.values()))]
    tz_u = rng.random(n)
    timezone = np.empty(n, dtype=object)
    for reg, zones in REGION_TIMEZONES.items():
        cum = np.cumsum(list(zones.values()))
        pick = np.minimum(np.searchsorted(cum, tz_u * cum[-1], side="right"), len(zones) - 1)
        timezone[region == reg] = np.array(list(zones))[pick[region == reg]]
    median = np.array([ANNUAL_KWH_MEDIAN[r] for r in region])
    annual_kwh = median * np.exp(ANNUAL_KWH_SIGMA * rng.standard_normal(n))
    shift_hours = np.clip(np.rint(rng.standard_normal(n)), -MAX_SHIFT_HOURS, MAX_SHIFT_HOURS)

    heat_u = rng.random(n)
    heating = np.full(n, "", dtype=object)
    for reg, shares in HEATING_SHARES.items():
        cut_e, cut_hp = shares["electric_heating"], sum(shares.values())
        is_reg = region == reg
        heating[is_reg & (heat_u < cut_e)] = "electric_heating"
        heating[is_reg & (heat_u >= cut_e) & (heat_u < cut_hp)] = "heat_pump"
    k_median = np.array([HEATING_KWH_PER_DEGREE_HOUR.get(h, 0.0) for h in heating])
    heating_kwh_per_degree_hour = k_median * np.exp(0.4 * rng.standard_normal(n))

    persons = rng.choice(np.arange(1, 6), size=n, p=PERSONS_P)
    has_children = (persons >= 3) & (rng.random(n) < CHILDREN_IF_3PLUS)
    children = np.where(has_children, persons - 2, 0)
    adults = persons - children
    workers = rng.binomial(adults, ADULT_EMPLOYED)
    has_car = rng.random(n) >= NO_CAR_SHARE
    car_mode = np.where(has_car, np.array(CAR_FUELS)[rng.choice(4, size=n, p=CAR_FUEL_P)], "")
    ev_charger = (car_mode == "car_electric") & (rng.random(n) < EV_HOME_CHARGER)

    tou = rng.random(n) < np.array([TOU_SHARE[r] for r in region])
    product_u = rng.random(n)
    product = np.where(ev_charger, "ev_night", np.where(product_u < 0.6, "night7", "peak"))
    product = np.where(region == "FR", "heures_creuses", product)
    product = np.where(tou, product, "")
    base_price = np.array([FLAT_PRICE[r] for r in region])
    price = np.round(base_price * (1 + FLAT_PRICE_SD * rng.standard_normal(n)), 4)

    columns: dict[str, np.ndarray] = {
        "household_index": index,
        "household_id": household_ids(index),
        "region": region.astype(object),
        "timezone": timezone,
        "currency": np.array([CURRENCY[r] for r in region], dtype=object),
        "annual_kwh": annual_kwh,
        "shift_hours": shift_hours.astype(np.int64),
        "heating": heating,
        "heating_kwh_per_degree_hour": heating_kwh_per_degree_hour,
        "persons": persons,
        "children": children,
        "workers": workers,
        "car_mode": car_mode.astype(object),
        "tariff_product": product.astype(object),
        "flat_price_per_kwh": price,
        "base_price_per_kwh": base_price,
    }
    _draw_appliances(rng, columns, ev_charger)
    columns["quiet_hours_start"], columns["quiet_hours_end"] = _draw_quiet_hours(rng, n)
    columns["max_extra_minutes_per_trip"] = rng.choice([5.0, 10.0, 15.0, 20.0, 30.0], size=n)
    return pd.DataFrame(columns)


def _draw_appliances(
    rng: np.random.Generator, frame: dict[str, np.ndarray], ev: np.ndarray
) -> None:
    """Add ``<kind>_cycles_per_week`` (NaN = none) and ``<kind>_usual_start`` (None = infer)."""
    n = len(ev)
    persons = frame["persons"]
    owns = {kind: rng.random(n) < share for kind, share in OWNERSHIP.items()}
    owns["tumble_dryer"] &= owns["washing_machine"]
    owns["ev_charger"] = ev
    owns["electric_heating"] = frame["heating"] == "electric_heating"
    owns["heat_pump"] = frame["heating"] == "heat_pump"
    owns["electric_water_heater"] = owns["electric_heating"]  # assumption: immersion heater
    wash = np.clip(rng.gamma(6.0, (1.5 + 1.1 * persons) / 6.0), 0.5, 14)  # mean 4.1 at 2.36 p.
    mean_cycles = {
        "washing_machine": wash,
        "dishwasher": np.clip(rng.gamma(6.0, (2.5 + 1.2 * persons) / 6.0), 1, 14),
        "tumble_dryer": np.clip(wash * rng.uniform(0.4, 1.0, n), 0.5, 14),
        "ev_charger": np.clip(rng.gamma(4.0, 2.5 / 4.0, n), 0.5, 7),
        "oven": np.clip(rng.gamma(4.0, 4.0 / 4.0, n), 0.5, 14),
        "kettle": np.clip(rng.gamma(4.0, 7.0 * persons / 4.0), 3, 42),  # ~1 boil/person/day
        "electric_heating": np.full(n, 7.0),  # used daily in the heating season
        "heat_pump": np.full(n, 7.0),
        "electric_water_heater": np.full(n, 7.0),
    }
    # Usual local start, minutes after midnight (assumption: evening dishwashers, morning or
    # evening laundry, the dryer after the wash, EVs on arrival or at the night band).
    washer_start = np.where(
        rng.random(n) < 0.6, rng.normal(9.5 * 60, 90, n), rng.normal(19 * 60, 60, n)
    )
    ev_at_night = frame["tariff_product"] == "ev_night"
    starts = {
        "dishwasher": rng.normal(20 * 60, 60, n),
        "washing_machine": washer_start,
        "tumble_dryer": washer_start + rng.uniform(60, 150, n),
        "ev_charger": np.where(ev_at_night, 30.0, rng.normal(18.5 * 60, 60, n)),
        "oven": rng.normal(18 * 60, 45, n),
        "electric_water_heater": np.zeros(n),
    }
    known = rng.random((n, len(APPLIANCE_KINDS))) < USUAL_START_KNOWN
    for j, kind in enumerate(APPLIANCE_KINDS):
        owned = owns.get(kind, np.zeros(n, bool)) & (kind in mean_cycles)
        cycles = np.where(owned, np.round(mean_cycles.get(kind, np.zeros(n)), 1), np.nan)
        frame[f"{kind}_cycles_per_week"] = cycles
        if kind in starts:
            text = _hhmm(starts[kind])
            show = known[:, j] & ~np.isnan(cycles)
            frame[f"{kind}_usual_start"] = _where_or_none(show, text)
        else:
            frame[f"{kind}_usual_start"] = np.full(n, None, dtype=object)


def _draw_quiet_hours(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    # assumption: 40 % of households state quiet hours, starting 22:00 or 23:00, ending 07:00.
    has = rng.random(n) < 0.4
    start = np.where(rng.random(n) < 0.5, "22:00", "23:00")
    return _where_or_none(has, start), _where_or_none(has, np.full(n, "07:00"))


def _where_or_none(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` where ``mask``, else None (an empty cell), as an object array."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = np.asarray(values)[mask]
    return out


def _hhmm(minutes: np.ndarray) -> np.ndarray:
    """Minutes after midnight (any real, wrapped) as "HH:MM", rounded to 15 minutes."""
    m = (np.rint(np.asarray(minutes) / 15.0).astype(np.int64) * 15) % 1440
    return np.char.add(
        np.char.add(np.char.zfill((m // 60).astype(str), 2), ":"),
        np.char.zfill((m % 60).astype(str), 2),
    ).astype(object)


def tariff_rates_json(product: str, base_price_per_kwh: float) -> str:
    """The ``tariff_rates`` text (docs/tables.md) of a synthetic ToU product at a base price."""
    return json.dumps(
        [
            {"start": s, "end": e, "price_per_kwh": round(base_price_per_kwh * mult, 4)}
            for s, e, mult in TOU_PRODUCTS[product]
        ]
    )


def households_columns(traits: pd.DataFrame) -> dict[str, np.ndarray]:
    """The households table of docs/tables.md as column arrays (order fixed) from drawn traits."""
    product = traits["tariff_product"].to_numpy().astype(str)
    tou = product != ""
    base = traits["base_price_per_kwh"].to_numpy()
    rates = np.full(len(traits), None, dtype=object)
    for key in {(p, b) for p, b in zip(product[tou], base[tou], strict=True)}:
        rates[(product == key[0]) & (base == key[1])] = tariff_rates_json(*key)
    columns = {
        "household_id": traits["household_id"].to_numpy(),
        "region": traits["region"].to_numpy(),
        "timezone": traits["timezone"].to_numpy(),
        "tariff_type": np.where(tou, "tou", "flat").astype(object),
        "price_per_kwh": np.where(tou, np.nan, traits["flat_price_per_kwh"].to_numpy()),
        "currency": traits["currency"].to_numpy(),
        "tariff_rates": rates,
    }
    for kind in APPLIANCE_KINDS:
        columns[f"{kind}_cycles_per_week"] = traits[f"{kind}_cycles_per_week"].to_numpy()
        columns[f"{kind}_usual_start"] = traits[f"{kind}_usual_start"].to_numpy()
    for name in ("quiet_hours_start", "quiet_hours_end", "max_extra_minutes_per_trip"):
        columns[name] = traits[name].to_numpy()
    return columns


def households_table(traits: pd.DataFrame) -> pd.DataFrame:
    """The households table of docs/tables.md (column order fixed) from drawn traits."""
    return pd.DataFrame(households_columns(traits))


def synthetic_households(n_households: int, seed: int = 0) -> pd.DataFrame:
    """The households table of ``n_households`` synthetic households (docs/tables.md columns)."""
    return households_table(draw_traits(n_households, seed))
