"""Grid carbon intensity and electricity tariffs.

``intensity_at(region, when)`` gives the intensity at one moment with its range.
"""

from recommender.grid.intensity import IntensityEstimate, intensity_at
from recommender.grid.neso import NesoCleaning, neso_2023

__all__ = ["IntensityEstimate", "NesoCleaning", "intensity_at", "neso_2023"]
