"""What a household's meter can tell the home actions, and what it cannot, in words for the user.

Most home actions read the meter as the household's electricity hour by hour: the always-on load
(the night-time minimum), a time-of-use tariff (the year's use priced by the minute), appliance
cycles seen in the meter, and the daily peak taken as an appliance's usual start when none was
given. Those need an *electricity* meter with *hours*: a gas meter's hours are gas (its night-time
minimum is a pilot light or nothing, its peak the heating's), and a daily meter has no hours.
Such households get what their meter supports (declared appliances with a usual start, the
laundry actions, the thermostat from daily kWh on degree-days), and these warnings say what was
not offered and why. Hourly electricity meters get every action and no warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from recommender.actions.home.factors import cycle_specs
from recommender.actions.home.heating import CLEAR_SHARE, MIN_DAYS
from recommender.actions.home.load_shift import LABELS
from recommender.actions.home.profile import DailyProfile, LoadProfile, Profile
from recommender.domain import Action, Household

HOUR_ACTIONS = (
    "cutting the always-on load, switching to a time-of-use tariff, and shifting appliance "
    "cycles seen in the meter"
)


def electric_hours(household: Household, profile: Profile) -> LoadProfile | None:
    """The profile when the meter's readings are the household's electricity hour by hour, else
    None (a gas meter, a daily one)."""
    if household.fuel == "electricity" and isinstance(profile, LoadProfile):
        return profile
    return None


def not_offered(household: Household, profile: Profile, actions: Sequence[Action]) -> list[str]:
    """Why the actions the meter cannot support were not offered (none for hourly electricity)."""
    if electric_hours(household, profile) is not None:
        return []
    if household.fuel == "gas":
        notes = [
            "home: your readings meter gas, so the actions that read them as electricity are not "
            f"offered: {HOUR_ACTIONS}"
        ]
    else:
        notes = [
            "home: your readings are daily totals, so the actions that need the hour of use are "
            f"not offered: {HOUR_ACTIONS}"
        ]
    unscheduled = _without_usual_start(household)
    if unscheduled:
        meter = "gas" if household.fuel == "gas" else "daily"
        notes.append(
            f"home: no usual start time was given for your {unscheduled}, and a {meter} meter "
            "does not show when you use electricity, so there is no time to suggest instead; "
            "give the usual start time to get one"
        )
    if household.fuel == "gas" and all(a.id != "thermostat-down-1c" for a in actions):
        notes.append(_no_thermostat(household, profile))
    return notes


def _without_usual_start(household: Household) -> str:
    """The flexible appliances declared without a usual start, in words ("" for none)."""
    specs = cycle_specs()
    names = [
        LABELS.get(a.kind, a.kind.replace("_", " "))
        for a in household.appliances
        if a.usual_start is None
        and a.cycles_per_week > 0
        and a.kind in specs
        and specs[a.kind].flexible
    ]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _no_thermostat(household: Household, profile: Profile) -> str:
    if household.temperature_c is None:
        return (
            "home: the thermostat saving is measured from how your gas use rises in cold weather, "
            "and no outdoor temperatures were given with the readings"
        )
    readings = "daily gas readings" if isinstance(profile, DailyProfile) else "gas readings"
    return (
        f"home: turning the thermostat down is not offered: your {readings} and the temperatures "
        f"given do not show a clear heating load (it needs {MIN_DAYS} days of both, a clear rise "
        f"in cold weather, and heating at least {CLEAR_SHARE:.0%} of your gas use)"
    )
