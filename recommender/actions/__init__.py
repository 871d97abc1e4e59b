"""The action catalogue: home actions (load shifting and efficiency) and travel alternatives.

Each builder takes a validated :class:`recommender.domain.Household` and returns
:class:`recommender.domain.Action` objects whose savings are computed from that household's own
data and the reference factors in ``data/factors``; the ranker orders them.
"""

from recommender.actions.home import home_actions
from recommender.actions.travel import travel_actions

__all__ = ["home_actions", "travel_actions"]
