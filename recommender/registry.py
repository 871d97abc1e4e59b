"""models/ on disk: save and load trained models with a model card, safely.

Each model is two files: ``<name>.joblib`` (the fitted estimator) and ``<name>.card.json`` (version,
training-data hash, metrics, library versions, measured training time and footprint, the SHA-256
of the model file, and an HMAC-SHA256 signature of all of that). A joblib file runs code when it is
loaded, so a checksum beside it is not enough (whoever swaps the file can rewrite the card too):
the card is signed with a key that lives outside ``models/`` (:func:`signing_key_path`), and
loading checks the signature and the file's checksum before anything is unpickled. A model
directory copied to another machine loads there only with the key copied too.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import platform
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

from recommender.errors import ModelIntegrityError, ModelNotFound, ModelOutdated
from recommender.settings import Settings

KEY_ENV = "GREENREC_MODEL_KEY"  # path of the signing key file
CARD_SCHEMA = 3  # 2: cards name the model's inputs; 3: cards are signed
_LIBRARIES = ("greenrec", "scikit-learn", "numpy", "pandas", "joblib")
# A pickled model is only loaded by the versions that wrote it.
_MUST_MATCH = ("greenrec", "scikit-learn")


def default_models_dir(settings: Settings | None = None) -> Path:
    """Where models live: ``settings.models_dir`` (``$GREENREC_MODELS_DIR``), else ``models/`` of
    a source checkout, else ``$XDG_DATA_HOME/greenrec/models`` (``~/.local/share``)."""
    settings = settings or Settings.from_env()
    if settings.models_dir:
        return Path(settings.models_dir)
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "models").is_dir():
        return checkout / "models"
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data_home / "greenrec" / "models"


def signing_key_path(settings: Settings | None = None) -> Path:
    """Where the model-signing key lives: ``settings.model_key`` (``$GREENREC_MODEL_KEY``), else
    ``$XDG_CONFIG_HOME/greenrec/model-signing.key`` (``~/.config``), never inside ``models/``."""
    settings = settings or Settings.from_env()
    if settings.model_key:
        return Path(settings.model_key)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return config_home / "greenrec" / "model-signing.key"


def _signing_key(*, create: bool) -> bytes:
    """The signing key; made (32 random bytes, owner-only) when ``create`` and there is none.
    Two processes creating it at once agree: the file appears whole, once (link, not write)."""
    path = signing_key_path()
    if not path.is_file() and create:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(secrets.token_bytes(32))
        os.chmod(handle.name, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(handle.name, path)
        os.unlink(handle.name)
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise ModelIntegrityError(
            f"no model-signing key at {path} ({exc.strerror}): models load only with the key "
            f"they were signed with (copy it, or set {KEY_ENV}); `greenrec train` makes new ones"
        ) from exc
    if len(key) < 32:
        raise ModelIntegrityError(f"the model-signing key {path} is shorter than 32 bytes")
    return key


def _signature(card: dict[str, Any], key: bytes) -> str:
    unsigned = {k: v for k, v in card.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, default=str).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as handle:
        handle.write(text)
    Path(handle.name).replace(path)


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def hash_arrays(*parts: Any) -> str:
    """SHA-256 over the bytes of the training inputs (arrays, series, frames or strings)."""
    digest = hashlib.sha256()
    for part in parts:
        if hasattr(part, "to_numpy"):
            part = part.to_numpy()
        if hasattr(part, "tobytes"):
            digest.update(part.tobytes())
        else:
            digest.update(str(part).encode())
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelCard:
    """What a saved model is, how it was made and what it cost; written next to the model."""

    name: str
    version: str
    trained_at: str
    training_data: dict[str, Any]
    metrics: dict[str, Any]
    libraries: dict[str, str]
    wall_seconds: float
    cpu_seconds: float
    training_footprint: dict[str, Any] | None
    sha256: str = ""
    schema: int = CARD_SCHEMA
    inputs: list[str] | None = None
    signature: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def save_model(
    estimator: Any,
    name: str,
    models_dir: Path,
    *,
    training_data: dict[str, Any],
    metrics: dict[str, Any],
    wall_seconds: float,
    cpu_seconds: float,
    training_footprint: dict[str, Any] | None,
    inputs: Sequence[str] | None = None,
) -> ModelCard:
    """Write ``estimator`` and its card atomically (temp file + rename) and return the card.

    ``inputs`` names the features the model was fitted on, in order; :func:`load_model` refuses
    the model when the code that will feed it names other ones.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    model_path = models_dir / f"{name}.joblib"
    with tempfile.NamedTemporaryFile(dir=models_dir, suffix=".tmp", delete=False) as handle:
        tmp = Path(handle.name)
    joblib.dump(estimator, tmp)
    sha = _file_sha256(tmp)
    tmp.replace(model_path)
    unsigned = ModelCard(
        name=name,
        version=f"{name}-{sha[:12]}",
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        training_data=training_data,
        metrics=metrics,
        libraries=library_versions(),
        wall_seconds=round(wall_seconds, 4),
        cpu_seconds=round(cpu_seconds, 4),
        training_footprint=training_footprint,
        sha256=sha,
        inputs=None if inputs is None else list(inputs),
    )
    # Round-trip through JSON first, so the signature covers exactly what a reader will see.
    fields = json.loads(json.dumps(unsigned.to_dict(), default=str))
    fields["signature"] = _signature(fields, _signing_key(create=True))
    _write_atomic(models_dir / f"{name}.card.json", json.dumps(fields, indent=2) + "\n")
    return ModelCard(**fields)


def read_card(name: str, models_dir: Path) -> ModelCard:
    card_path = models_dir / f"{name}.card.json"
    if not card_path.is_file():
        raise ModelNotFound(
            f"no model {name!r} in {models_dir} (missing {card_path.name}); run `greenrec train`"
        )
    try:
        fields = json.loads(card_path.read_text())
        return ModelCard(**fields)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise ModelIntegrityError(
            f"{card_path} is not a readable model card ({exc}); run `greenrec train` to rebuild"
        ) from exc


def verify(card: ModelCard, models_dir: Path) -> Path:
    """Check the card's signature and the model file's checksum; return the file's path.
    Raises ModelIntegrityError (or ModelNotFound for a missing file) before anything loads."""
    fields = json.loads(json.dumps(card.to_dict(), default=str))
    expected = _signature(fields, _signing_key(create=False))
    if not hmac.compare_digest(expected, card.signature):
        raise ModelIntegrityError(
            f"the card of model {card.name!r} in {models_dir} is not signed with this machine's "
            f"key ({signing_key_path()}); refusing to load it. Run `greenrec train` to rebuild."
        )
    model_path = models_dir / f"{card.name}.joblib"
    if not model_path.is_file():
        raise ModelNotFound(f"model file {model_path} is missing; run `greenrec train`")
    actual = _file_sha256(model_path)
    if not hmac.compare_digest(actual, card.sha256):
        raise ModelIntegrityError(
            f"{model_path} does not match its card (sha256 {actual[:12]}..., card says "
            f"{card.sha256[:12]}...); refusing to load it. Run `greenrec train` to rebuild."
        )
    return model_path


def check_compatible(
    card: ModelCard, models_dir: Path, inputs: Sequence[str] | None = None
) -> None:
    """Raise :class:`ModelOutdated` when the card's greenrec or scikit-learn version differs,
    or, given ``inputs`` (what this code feeds the model), when the model was fitted on others.
    """
    if inputs is not None and card.inputs != list(inputs):
        fitted = card.inputs or []
        new = [name for name in inputs if name not in fitted]
        gone = [name for name in fitted if name not in inputs]
        what = (
            "a card without them (written before cards named inputs)"
            if card.inputs is None
            else f"new {new or 'none'}, gone {gone or 'none'}"
            + ("" if new or gone else ", order changed")
        )
        raise ModelOutdated(
            f"model {card.name!r} in {models_dir} was fitted on other inputs than this greenrec "
            f"gives it ({what}); run `greenrec train` to rebuild it"
        )
    current = library_versions()
    stale = [
        f"{lib} {card.libraries.get(lib, '?')} (now {current[lib]})"
        for lib in _MUST_MATCH
        if card.libraries.get(lib) != current[lib]
    ]
    if stale:
        raise ModelOutdated(
            f"model {card.name!r} in {models_dir} was trained with {', '.join(stale)}; "
            "run `greenrec train` to rebuild it"
        )


def load_model(
    name: str, models_dir: Path, inputs: Sequence[str] | None = None
) -> tuple[Any, ModelCard]:
    """Load a model after checking its versions, its ``inputs`` when given (see
    :func:`check_compatible`) and its file against the checksum in its card."""
    card = read_card(name, models_dir)
    check_compatible(card, models_dir, inputs)
    return joblib.load(verify(card, models_dir)), card


def has_usable_models(
    names: tuple[str, ...], models_dir: Path, inputs: Mapping[str, Sequence[str]] | None = None
) -> bool:
    """True when every named model has a signed card written by this greenrec and scikit-learn
    (naming the ``inputs`` given for it, if any) and a model file that matches it."""
    try:
        for name in names:
            wanted = None if inputs is None else inputs.get(name)
            card = read_card(name, models_dir)
            check_compatible(card, models_dir, wanted)
            verify(card, models_dir)
    except (ModelNotFound, ModelIntegrityError):
        return False
    return True
