"""``greenrec``: the command line.

Subcommands are imported only when run (``greenrec --help`` loads click and nothing of the
engine), each from its own module in this package; :data:`COMMANDS` is the one list of them.
Errors map to exit codes in one place, :mod:`recommender.cli.errors`.
"""

from __future__ import annotations

import importlib
import logging

import click

from recommender.cli.errors import EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_NO_MODEL

# name -> (module, attribute, one-line help shown by ``greenrec --help`` without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("recommender.cli.recommend", "demo", "Train if needed, then advise a sample home."),
    "recommend": ("recommender.cli.recommend", "recommend", "Advise one household (JSON file)."),
    "train": ("recommender.cli.train", "train", "Train every model, with model cards."),
    "feedback": ("recommender.cli.feedback", "feedback", "Record what a household did."),
    "evaluate": ("recommender.cli.evaluate", "evaluate", "Forecast accuracy on a meter file."),
    "footprint": ("recommender.cli.footprint", "footprint", "The models' measured footprint."),
    "score": ("recommender.cli.score", "score", "Score a whole dataset of households."),
    "synth": ("recommender.cli.synth", "synth", "Write a synthetic population."),
    "keys": ("recommender.cli.keys", "keys", "Create, list and revoke API keys."),
    "serve": ("recommender.cli.serve", "serve", "Serve the web app or the /v1 API (gunicorn)."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, not at start-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), f"{module}.{attribute} is not a command"
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, _, help_text) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="greenrec")
def main(verbose: int) -> None:
    """greenrec: personal sustainability recommendations with measured savings and footprint."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


__all__ = ["COMMANDS", "EXIT_FAILURE", "EXIT_INVALID_INPUT", "EXIT_NO_MODEL", "main"]
