"""Batch scoring for data teams: whole datasets of households through the one chunk function.

:func:`score_tables` is the Python API; :data:`recommender.cli.score.score` the ``greenrec score``
command. See :mod:`recommender.batch.score` for the output files, :mod:`recommender.batch.parts`
for how a run survives being killed, and :mod:`recommender.batch.engines` for the engines.
"""

from recommender.batch.chunk import ChunkResult, score_households
from recommender.batch.engines import EngineMissing
from recommender.batch.score import ScoreSummary, score_tables

__all__ = ["ChunkResult", "EngineMissing", "ScoreSummary", "score_households", "score_tables"]
