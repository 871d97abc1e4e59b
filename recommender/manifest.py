"""The model manifest: which models the service needs and what each is fed.

Serving (``recommender.service``) and training (``recommender.training``) both read it, so the
service never imports the training code, and a model card records, and loading checks, the same
inputs the code feeds.
"""

from __future__ import annotations

FORECASTER = "forecaster"
LIKELIHOOD = "likelihood"
MODE_CHOICE = "mode_choice"
MODEL_NAMES = (FORECASTER, LIKELIHOOD, MODE_CHOICE)


def model_inputs(name: str) -> tuple[str, ...]:
    """The features this code feeds model ``name``, in order; recorded in its card at training and
    checked at loading, so a model fitted on other features is rebuilt, not fed the wrong ones."""
    # imported here: the model names alone (a batch run's reading process) need none of the
    # capabilities, whose imports (scikit-learn, scipy) cost ~110 MiB of memory
    from recommender.actions.travel.mode_choice import CHOICE_COLUMNS
    from recommender.forecast.design import SHORT_FEATURES, YEAR_FEATURES
    from recommender.ranking.features import FEATURE_COLUMNS

    inputs = {
        FORECASTER: tuple(f"year:{n}" for n in YEAR_FEATURES)
        + tuple(f"short:{n}" for n in SHORT_FEATURES),
        LIKELIHOOD: tuple(FEATURE_COLUMNS),
        MODE_CHOICE: tuple(CHOICE_COLUMNS),
    }
    return inputs[name]
