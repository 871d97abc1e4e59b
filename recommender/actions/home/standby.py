"""Always-on / standby reduction, sized from the household's own night-time minimum."""

from __future__ import annotations

from recommender.actions.home.factors import home_factors
from recommender.actions.home.profile import NIGHT_HOURS, LoadProfile
from recommender.actions.home.savings import energy_savings, money
from recommender.domain import Action, Household

HOURS_PER_YEAR = 8760.0


def standby_cut(household: Household, profile: LoadProfile, price_per_kwh: float) -> Action | None:
    """Switch off part of the always-on load, when it is at least the typical share of use."""
    typical = home_factors()["standby_share_of_use"]
    reducible = home_factors()["standby_reducible_share"]
    always_on_kwh = profile.baseload_kw * HOURS_PER_YEAR
    share = always_on_kwh / profile.annual_kwh if profile.annual_kwh > 0 else 0.0
    if always_on_kwh <= 0 or share < typical.low:
        return None
    kwh = (
        always_on_kwh * reducible.value,
        always_on_kwh * reducible.low,
        always_on_kwh * reducible.high,
    )
    savings = energy_savings(household, kwh, price_per_kwh)
    return Action(
        id="standby-cut",
        kind="home_efficiency",
        title="Switch off devices left on standby",
        savings=savings,
        explanation=(
            f"Your meter never drops below about {profile.baseload_kw * 1000:.0f} W at night "
            f"({always_on_kwh:.0f} kWh a year, {share:.0%} of your use; typical homes "
            f"{typical.low:.0%}-{typical.high:.0%}), and switching off {reducible.value:.0%} of it "
            f"saves about {savings.kwh_per_year:.0f} kWh "
            f"({money(savings.money_per_year, savings.currency)}) a year."
        ),
        sources=(
            f"baseload: median over {profile.n_days} nights of the lowest hourly reading "
            f"{NIGHT_HOURS[0]:02d}:00-{NIGHT_HOURS[1]:02d}:00 (household's own meter)",
            typical.cite(),
            reducible.cite(),
        ),
        details={
            "baseload_w": profile.baseload_kw * 1000,
            "baseload_w_p10": profile.baseload_kw_p10 * 1000,
            "baseload_w_p90": profile.baseload_kw_p90 * 1000,
            "always_on_kwh_per_year": always_on_kwh,
            "always_on_share": share,
        },
    )
