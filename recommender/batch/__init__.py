"""Batch scoring for data teams: whole datasets of households through the one Service.

:func:`score_tables` is the Python API; :data:`recommender.cli.score.score` the ``greenrec score``
command. See :mod:`recommender.batch.score` for the output files and engines.
"""

from recommender.batch.score import ChunkResult, ScoreSummary, score_households, score_tables

__all__ = ["ChunkResult", "ScoreSummary", "score_households", "score_tables"]
