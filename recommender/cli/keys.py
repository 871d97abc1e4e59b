"""``greenrec keys``: create, list and revoke the partner API's keys (only hashes are stored)."""

from __future__ import annotations

import click

from recommender.cli.errors import friendly_errors

STORE_OPTION = click.option(
    "--store",
    "store_url",
    envvar="GREENREC_KEYS_URL",
    default="sqlite:///greenrec-keys.sqlite3",
    show_default=True,
    help="Key store, any SQLAlchemy URL (env GREENREC_KEYS_URL; `greenrec serve` reads the same).",
)


@click.group()
def keys() -> None:
    """API keys for `greenrec serve`: a key is printed once, only its salted hash is stored."""


@keys.command()
@click.option("--name", required=True, help="Who the key is for (a partner or app name).")
@STORE_OPTION
@friendly_errors
def create(name: str, store_url: str) -> None:
    """Create a key and print it (this is the only time it is shown)."""
    from recommender.keys import KeyStore

    created = KeyStore(store_url).create(name)
    click.echo(created.key)
    click.echo(
        f"key {created.key_id} for {name!r}: store it now, it cannot be shown again", err=True
    )


@keys.command(name="list")
@STORE_OPTION
@friendly_errors
def list_keys(store_url: str) -> None:
    """List keys (id, name, created, revoked); never the secrets."""
    from recommender.keys import KeyStore

    for key in KeyStore(store_url).list():
        revoked = key.revoked_at.isoformat() if key.revoked_at else "active"
        click.echo(f"{key.key_id}  {key.created_at.isoformat()}  {revoked:25}  {key.name}")


@keys.command()
@click.argument("key_id_or_name")
@STORE_OPTION
@friendly_errors
def revoke(key_id_or_name: str, store_url: str) -> None:
    """Revoke the key with this id (or every active key with this name)."""
    from recommender.keys import KeyStore

    if not KeyStore(store_url).revoke(key_id_or_name):
        raise click.ClickException(f"no active key with id or name {key_id_or_name!r}")
    click.echo(f"revoked {key_id_or_name}")
