"""The registry writes a card next to each model and refuses files that do not match it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from recommender import registry
from recommender.errors import ModelIntegrityError, ModelNotFound, ModelOutdated


def _fitted() -> Ridge:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3))
    return Ridge().fit(x, x @ [1.0, 2.0, 3.0])


def _save_minimal(models_dir, inputs=None) -> None:
    registry.save_model(
        _fitted(),
        "m",
        models_dir,
        training_data={},
        metrics={},
        wall_seconds=0,
        cpu_seconds=0,
        training_footprint=None,
        inputs=inputs,
    )


def test_save_load_round_trip_gives_identical_predictions(tmp_path) -> None:
    model = _fitted()
    card = registry.save_model(
        model,
        "m",
        tmp_path,
        training_data={"rows": 50},
        metrics={"r2": 1.0},
        wall_seconds=0.5,
        cpu_seconds=0.4,
        training_footprint=None,
    )
    loaded, loaded_card = registry.load_model("m", tmp_path)
    x = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded_card == card
    on_disk = json.loads((tmp_path / "m.card.json").read_text())
    assert on_disk["libraries"]["scikit-learn"] != "not installed"
    assert on_disk["sha256"] == card.sha256 and card.version.endswith(card.sha256[:12])


def test_tampered_model_file_is_refused(tmp_path) -> None:
    _save_minimal(tmp_path)
    with (tmp_path / "m.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="does not match its card"):
        registry.load_model("m", tmp_path)


def test_missing_model_names_the_fix(tmp_path) -> None:
    with pytest.raises(ModelNotFound, match="greenrec train"):
        registry.load_model("forecaster", tmp_path)


def test_models_dir_follows_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GREENREC_MODELS_DIR", str(tmp_path))
    assert registry.default_models_dir() == tmp_path


def test_model_from_another_scikit_learn_is_refused(tmp_path) -> None:
    """Pickles are not portable across versions: an old card means retrain, not a crash."""
    _save_minimal(tmp_path)
    card_path = tmp_path / "m.card.json"
    card = json.loads(card_path.read_text())
    card["libraries"]["scikit-learn"] = "0.0.1"
    card_path.write_text(json.dumps(card))
    assert not registry.has_usable_models(("m",), tmp_path)
    with pytest.raises(ModelOutdated, match=r"scikit-learn 0\.0\.1 .*greenrec train"):
        registry.load_model("m", tmp_path)


def test_model_fitted_on_other_inputs_is_refused_naming_them(tmp_path) -> None:
    """Same greenrec version, new code: a feature added since the fit means retrain."""
    _save_minimal(tmp_path, inputs=["a", "b", "c"])
    registry.load_model("m", tmp_path, inputs=("a", "b", "c"))
    assert registry.has_usable_models(("m",), tmp_path, {"m": ("a", "b", "c")})
    assert not registry.has_usable_models(("m",), tmp_path, {"m": ("a", "b", "c", "d")})
    with pytest.raises(ModelOutdated, match=r"new \['d'\], gone \['c'\].*greenrec train"):
        registry.load_model("m", tmp_path, inputs=("a", "b", "d"))
    with pytest.raises(ModelOutdated, match="order changed"):
        registry.load_model("m", tmp_path, inputs=("c", "b", "a"))


def test_card_from_before_inputs_were_recorded_is_refused(tmp_path) -> None:
    _save_minimal(tmp_path)
    with pytest.raises(ModelOutdated, match="written before cards named inputs"):
        registry.load_model("m", tmp_path, inputs=("a",))


def test_a_swapped_model_with_a_rewritten_card_is_refused_before_loading(tmp_path) -> None:
    """A checksum beside the file detects corruption; only the signature detects tampering."""
    _save_minimal(tmp_path)
    evil = tmp_path / "evil.joblib"
    registry.joblib.dump({"would run": "code on load"}, evil)
    evil.replace(tmp_path / "m.joblib")
    card_path = tmp_path / "m.card.json"
    card = json.loads(card_path.read_text())
    card["sha256"] = registry._file_sha256(tmp_path / "m.joblib")  # the attacker's own checksum
    card_path.write_text(json.dumps(card))
    assert not registry.has_usable_models(("m",), tmp_path)
    with pytest.raises(ModelIntegrityError, match="not signed with this machine's key"):
        registry.load_model("m", tmp_path)


def test_models_need_the_key_they_were_signed_with(tmp_path, monkeypatch) -> None:
    _save_minimal(tmp_path)
    monkeypatch.setenv(registry.KEY_ENV, str(tmp_path / "other.key"))
    with pytest.raises(ModelIntegrityError, match="no model-signing key"):
        registry.load_model("m", tmp_path)
    registry._signing_key(create=True)  # a different machine's key
    with pytest.raises(ModelIntegrityError, match="not signed"):
        registry.load_model("m", tmp_path)


@pytest.mark.parametrize("text", ["{not json", "[]", '{"name": "m"}', '{"colour": 1}'])
def test_a_malformed_card_is_a_clear_error_and_not_usable(tmp_path, text) -> None:
    _save_minimal(tmp_path)
    (tmp_path / "m.card.json").write_text(text)
    assert not registry.has_usable_models(("m",), tmp_path)
    with pytest.raises(ModelIntegrityError, match="m.card.json is not a readable model card"):
        registry.load_model("m", tmp_path)


def test_cards_are_written_whole_with_no_temporary_left(tmp_path) -> None:
    _save_minimal(tmp_path)
    _save_minimal(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.card.json", "m.joblib"]
