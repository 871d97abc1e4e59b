"""One map from the engine's errors to exit codes, shared by every ``greenrec`` command.

Exit codes: 0 success; 1 unexpected failure; 2 bad usage or invalid input (every problem is
listed); 3 no usable model (missing, outdated or failing its integrity check).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from recommender.errors import GreenrecError, InvalidInput, ModelIntegrityError, ModelNotFound

EXIT_FAILURE = 1
EXIT_INVALID_INPUT = 2
EXIT_NO_MODEL = 3
F = TypeVar("F", bound=Callable[..., Any])

# Most specific first: the first matching class decides the exit code.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InvalidInput, EXIT_INVALID_INPUT),
    (ModelNotFound, EXIT_NO_MODEL),
    (ModelIntegrityError, EXIT_NO_MODEL),
    (GreenrecError, EXIT_FAILURE),
)


def exit_code_for(error: BaseException) -> int:
    """The exit code for one of the engine's errors (1 for any other)."""
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return EXIT_FAILURE


def friendly_errors(func: F) -> F:
    """Turn the engine's errors into ``error: ...`` on stderr and the mapped exit code, never a
    traceback. Every command wears this, so the map above is the only place codes are chosen."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GreenrecError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(exit_code_for(error))

    return wrapper  # type: ignore[return-value]
