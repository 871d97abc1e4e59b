"""The stores' databases: any SQLAlchemy URL; one it cannot use is named, never a traceback."""

from __future__ import annotations

import pytest

from recommender.errors import InvalidInput
from recommender.feedback import FeedbackStore
from recommender.keys import KeyStore


@pytest.mark.parametrize("store", [FeedbackStore, KeyStore])
def test_an_unusable_url_is_named_by_its_store(store) -> None:
    with pytest.raises(InvalidInput, match="not a usable database URL") as caught:
        store("nosuchdialect://x")
    assert caught.value.problems[0].where == "url"
    assert caught.value.source in {"feedback store", "key store"}


@pytest.mark.parametrize("store", [FeedbackStore, KeyStore])
def test_a_sqlite_file_is_created_with_its_tables(store, tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    store(f"sqlite:///{path}").close()
    assert path.stat().st_size > 0
