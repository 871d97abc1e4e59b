"""Errors and warnings of the engine.

One error type, :class:`InvalidInput`, carries *every* problem found in an input, each naming where
it is (a field path or a table row), what is wrong and what was expected, so a person, a partner app
or a batch report can show them all at once. Warnings report safe fixes the engine applied (an exact
duplicate row dropped, a short gap filled) and travel with the answer instead of being swallowed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``where`` is a JSON-pointer-like field path (``readings[12].kwh``) or a table location
    (``readings.csv row 14, column kwh``); ``problem`` says what is wrong and ``expected`` what
    would be accepted.
    """

    where: str
    problem: str
    expected: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.problem}"
        return f"{text} (expected {self.expected})" if self.expected else text

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class GreenrecError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidInput(GreenrecError, ValueError):
    """The input cannot be used; ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem, source: str = "input") -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source} has {len(self.problems)} problem(s):\n{lines}")

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "problems": [p.to_dict() for p in self.problems]}


class ModelNotFound(GreenrecError, FileNotFoundError):
    """No trained model in the model directory; ``greenrec train`` makes one."""


class ModelOutdated(ModelNotFound):
    """A model was trained by another version of greenrec or scikit-learn (pickles are not
    portable across versions); ``greenrec train`` rebuilds it."""


class ModelIntegrityError(GreenrecError):
    """A model file does not match the checksum in its model card."""


class InsufficientData(GreenrecError, ValueError):
    """Too little history for the requested computation (the message says how much is needed)."""

    def as_invalid_input(self) -> InvalidInput:
        """This as a problem with the household's readings: how a surface that answers a
        household's problems field by field (the API's 422, a batch item) shows it."""
        return InvalidInput(
            Problem("readings", str(self), "enough history for this household"),
            source="household",
        )


class GreenrecWarning(UserWarning):
    """Base class of the engine's warnings."""


class DataQualityWarning(GreenrecWarning):
    """Input was usable after a safe fix (duplicates dropped, short gap filled) or is suspicious."""


class ApproximationWarning(GreenrecWarning):
    """A figure rests on an approximation (e.g. an annual grid average instead of hourly data)."""
