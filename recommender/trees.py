"""A fitted HistGradientBoosting model's trees evaluated as bit masks, many rows at once.

scikit-learn walks every tree for every row, one row at a time, in a call per tree. Our models
are small (100-150 trees of at most 15 leaves) and asked for thousands of rows per answer, so the
walk and the call per tree cost most of an answer's time. Here the trees are compiled once per
fitted model into the form of QuickScorer (Lucchese et al., "QuickScorer: a fast algorithm to rank
documents with additive ensembles of regression trees", SIGIR 2015):

- a tree's leaves are numbered left to right, and a row's leaf is the leftmost leaf that no split
  on its path sends it away from;
- a split that sends a row right rules out the leaves of its left subtree. Which splits send a row
  right depends only on where each feature's value lies among the thresholds the trees compare
  that feature with (its *rank*);
- so per feature and rank, one bit mask per tree holds the leaves still possible, and a row's
  masks are the AND over its features of the masks of its ranks: a few numpy gathers and ANDs
  over all rows and trees together, then one table lookup for the leftmost leaf;
- rows whose every feature has the same rank take the same paths, so among many rows (a year of
  hours repeats its calendar and weather) each set of ranks is scored once.

A tree sends a value left when it is <= the threshold and NaN the way the split learned (its
``missing_go_to_left``), exactly as scikit-learn's ``_predict_from_raw_data``; the leaves' values
are added tree after tree onto the baseline in scikit-learn's order, so :meth:`CompiledTrees.raw`
equals ``model._raw_predict(X)`` bit for bit (``tests/test_trees.py`` holds it on the trained
models). A categorical split is read the same way: a code's rank is the code itself, and the
split sends it left when it is in the split's left set, right when it is another code seen in
training, and the missing way otherwise. A model this cannot read (several trees per iteration,
more than 64 leaves in a tree, another scikit-learn layout) compiles to None and callers use
``predict``.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_LEAVES = 64  # leaves per tree a mask can hold (one uint64)
DISTINCT_FROM_ROWS = 512  # from this many rows, rows that take the same paths are scored once

CATEGORIES = 256  # a categorical feature's codes 0-255, as scikit-learn's bitsets hold them

_COMPILED: weakref.WeakKeyDictionary[Any, CompiledTrees | None] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Feature:
    column: int
    cuts: np.ndarray | None  # sorted thresholds the trees compare this column with; None: codes
    masks: np.ndarray  # (ranks, n_trees): leaves still possible per rank; the last is missing

    def ranks(self, values: np.ndarray) -> np.ndarray:
        """Each value's rank: how many thresholds lie below it, or a category's code; the last
        rank for a missing value (NaN; also a negative code, which scikit-learn treats so)."""
        missing = len(self.masks) - 1
        if self.cuts is None:
            absent = np.isnan(values) | (values < 0)
            codes = np.where(absent, 0.0, values)
            if not (np.array_equal(codes, np.floor(codes)) and codes.max(initial=0) < CATEGORIES):
                raise ValueError(f"column {self.column}: categories are whole numbers 0-255")
            rank = codes.astype(np.intp)
            rank[absent] = missing
            return rank
        rank = np.searchsorted(self.cuts, values, side="left")
        rank[np.isnan(values)] = missing
        return rank


@dataclass(frozen=True)
class CompiledTrees:
    """The trees of one fitted model as per-feature leaf masks (see the module docstring)."""

    n_features: int
    features: tuple[_Feature, ...]
    leaf_values: np.ndarray  # (n_trees, leaves per mask), 0 past a tree's last leaf
    baseline: float
    dtype: type[np.unsignedinteger[Any]]
    mask_values: np.ndarray | None  # (n_trees, 256): the value a uint8 mask leads to, else None

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The model's raw prediction of each row of ``X`` (before the loss's inverse link).

        ``X`` holds the columns as the trees read them: for a model with categorical features,
        after its own preprocessing (categories coded 0-255 and moved first), as scikit-learn's
        ``_raw_predict`` passes them on."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got {X.shape}")
        ranks = [feature.ranks(X[:, feature.column]) for feature in self.features]
        keys = self._path_keys(ranks)
        if keys is None or len(X) < DISTINCT_FROM_ROWS:
            return self._raw_of_ranks(ranks, len(X))
        first, codes = distinct_keys(keys)
        return self._raw_of_ranks([rank[first] for rank in ranks], len(first))[codes]

    def _path_keys(self, ranks: list[np.ndarray]) -> np.ndarray | None:
        """One integer per row, equal for rows of equal ranks on every feature (so they reach
        the same leaves), as one mixed-radix number; None when it would not fit in 63 bits."""
        sizes = [len(feature.masks) for feature in self.features]
        if not ranks or math.prod(sizes) >= 2**62:
            return None
        keys = np.zeros(len(ranks[0]), dtype=np.int64)
        for rank, size in zip(ranks, sizes, strict=True):
            keys = keys * size + rank
        return keys

    def _raw_of_ranks(self, ranks: list[np.ndarray], n_rows: int) -> np.ndarray:
        alive = np.full((n_rows, self.leaf_values.shape[0]), ~self.dtype(0), dtype=self.dtype)
        for feature, rank in zip(self.features, ranks, strict=True):
            alive &= feature.masks[rank]
        by_tree = np.ascontiguousarray(alive.T)  # (trees, rows)
        raw = np.zeros(n_rows, dtype=np.float64)
        raw += self.baseline
        # tree after tree, as scikit-learn adds them
        if self.mask_values is not None:
            for t, masks in enumerate(by_tree):
                raw += self.mask_values[t].take(masks)
        else:
            for t, leaves in enumerate(_lowest_bit(by_tree)):
                raw += self.leaf_values[t].take(leaves)
        return raw


def distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, codes)`` of a key array: ``keys[first]`` are its distinct keys in order of
    first appearance and ``keys[first][codes]`` is ``keys``."""
    codes, _ = pd.factorize(keys)
    # codes are numbered in order of first appearance: a key is first where its code is new
    first = np.flatnonzero(np.r_[True, codes[1:] > np.maximum.accumulate(codes)[:-1]])
    return first, codes


def compiled(model: Any) -> CompiledTrees | None:
    """The compiled trees of a fitted HistGradientBoosting model, built once per model object;
    None when its trees cannot be read this way (then call ``model.predict``)."""
    with _LOCK:
        if model in _COMPILED:
            return _COMPILED[model]
    result = _compile(model)
    with _LOCK:
        _COMPILED[model] = result
    return result


def predict_regression(model: Any, X: np.ndarray) -> np.ndarray:
    """``model.predict(X)`` of a fitted HistGradientBoostingRegressor with the squared error
    loss (whose prediction is the raw sum of its trees) and no categorical features (whose
    trees read ``X`` as given), from its compiled trees when it has them; the same values bit
    for bit."""
    trees = regression_trees(model)
    if trees is None:
        return np.asarray(model.predict(X))
    return trees.raw(X)


def regression_trees(model: Any) -> CompiledTrees | None:
    """The compiled trees :func:`predict_regression` uses for ``model``, if any."""
    plain = getattr(model, "loss", None) == "squared_error"
    plain = plain and getattr(model, "_preprocessor", "absent") is None
    return compiled(model) if plain else None


def _compile(model: Any) -> CompiledTrees | None:
    try:
        if model.n_trees_per_iteration_ != 1:
            return None
        predictors = [iteration[0] for iteration in model._predictors]
        trees = [predictor.nodes for predictor in predictors]
        left_sets = [predictor.raw_left_cat_bitsets for predictor in predictors]
        baseline = float(np.asarray(model._baseline_prediction).reshape(-1)[0])
        n_features = int(model.n_features_in_)
    except (AttributeError, IndexError, TypeError):
        return None
    if not trees or any(_unreadable(nodes) for nodes in trees):
        return None
    leaves = [_leaves_in_order(nodes) for nodes in trees]
    width = max(len(order) for order in leaves)
    if width > MAX_LEAVES:
        return None
    dtype = next(
        d for d in (np.uint8, np.uint16, np.uint32, np.uint64) if np.iinfo(d).bits >= width
    )
    leaf_values = np.zeros((len(trees), width))
    for t, (nodes, order) in enumerate(zip(trees, leaves, strict=True)):
        leaf_values[t, : len(order)] = nodes["value"][order]
    try:
        categories = _categories(model, n_features)
        features = _feature_masks(trees, left_sets, leaves, categories, dtype)
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    mask_values = None
    if dtype is np.uint8:  # one lookup per tree and row: mask -> its lowest leaf's value
        lowest = _LOWEST_BIT_16[:256].astype(np.intp)
        mask_values = np.where(lowest < width, leaf_values[:, np.minimum(lowest, width - 1)], 0.0)
    return CompiledTrees(n_features, features, leaf_values, baseline, dtype, mask_values)


def _unreadable(nodes: np.ndarray) -> bool:
    names = nodes.dtype.names or ()
    needed = {"is_leaf", "left", "right", "feature_idx", "num_threshold", "missing_go_to_left"}
    needed |= {"is_categorical", "bitset_idx"}
    return not needed <= set(names)


def _leaves_in_order(nodes: np.ndarray) -> list[int]:
    """A tree's leaf node indices, left to right."""
    order: list[int] = []
    stack = [0]
    while stack:
        node = stack.pop()
        if nodes["is_leaf"][node]:
            order.append(node)
        else:
            stack.extend((int(nodes["right"][node]), int(nodes["left"][node])))
    return order


def _left_leaves(nodes: np.ndarray, order: list[int]) -> dict[int, int]:
    """Per inner node, the bit mask of the leaves in its left subtree (bit i: the i-th leaf)."""
    position = {node: i for i, node in enumerate(order)}
    below: dict[int, int] = {}

    def mask_of(node: int) -> int:  # leaves under a node; trees are at most 64 leaves deep
        if nodes["is_leaf"][node]:
            return 1 << position[node]
        left = mask_of(int(nodes["left"][node]))
        below[node] = left
        return left | mask_of(int(nodes["right"][node]))

    mask_of(0)
    return below


def _categories(model: Any, n_features: int) -> list[np.ndarray | None]:
    """Per feature, None for a numeric one; for a categorical one, per code 0-255 whether it
    was seen in training (a split sends an unseen code the way it sends a missing value)."""
    flags = getattr(model, "_is_categorical_remapped", None)  # in the trees' column order
    if flags is None or not np.any(flags):
        return [None] * n_features
    known_bitsets, index_of = model._bin_mapper.make_known_categories_bitsets()
    return [_bits(known_bitsets[index_of[f]]) if flags[f] else None for f in range(n_features)]


def _bits(bitset: np.ndarray) -> np.ndarray:
    """scikit-learn's 256-bit set (8 uint32 words) as 256 booleans."""
    words = np.asarray(bitset, dtype=np.uint32)
    return ((words[np.arange(CATEGORIES) // 32] >> (np.arange(CATEGORIES) % 32)) & 1).astype(bool)


def _feature_masks(
    trees: list[np.ndarray],
    left_sets: list[np.ndarray],
    leaves: list[list[int]],
    categories: list[np.ndarray | None],
    dtype: Any,
) -> tuple[_Feature, ...]:
    """Per feature a split reads, the leaves each rank leaves possible in every tree: a split
    that sends a rank right rules out the leaves of its left subtree."""
    full = int(np.iinfo(dtype).max)
    splits: dict[int, list[tuple[int, int, int]]] = {}  # column -> (tree, node, left leaves)
    for t, (nodes, order) in enumerate(zip(trees, leaves, strict=True)):
        for node, left in _left_leaves(nodes, order).items():
            splits.setdefault(int(nodes["feature_idx"][node]), []).append((t, node, left))
    features = []
    for column in sorted(splits):
        known = categories[column]  # IndexError for a column the model has not
        if known is None:
            thresholds = [trees[t]["num_threshold"][node] for t, node, _ in splits[column]]
            numeric_cuts = np.unique(thresholds)
            goes_left = [
                _numeric_left(trees[t][node], numeric_cuts) for t, node, _ in splits[column]
            ]
            cuts: np.ndarray | None = numeric_cuts
        else:
            cuts = None
            goes_left = [
                _category_left(trees[t][node], left_sets[t], known) for t, node, _ in splits[column]
            ]
        masks = np.full((len(goes_left[0]), len(trees)), full, dtype=object)
        for (t, _, left), left_ranks in zip(splits[column], goes_left, strict=True):
            masks[~left_ranks, t] &= full ^ left
        features.append(_Feature(column, cuts, masks.astype(dtype)))
    return tuple(features)


def _numeric_left(node: np.void, cuts: np.ndarray) -> np.ndarray:
    """Per rank (len(cuts) + 1 of values, then NaN), whether this split sends it left: a value
    goes left when it is <= the threshold, i.e. when fewer cuts than the threshold's own lie
    below it."""
    if node["is_categorical"]:
        raise ValueError("a categorical split on a numeric feature")
    j = int(np.searchsorted(cuts, node["num_threshold"]))
    return np.r_[np.arange(len(cuts) + 1) <= j, bool(node["missing_go_to_left"])]


def _category_left(node: np.void, left_sets: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Per code 0-255, then missing, whether this categorical split sends it left: codes in its
    left set go left, other seen codes right, unseen and missing codes the missing way."""
    if not node["is_categorical"]:
        raise ValueError("a numeric split on a categorical feature")
    missing_left = bool(node["missing_go_to_left"])
    in_left = _bits(left_sets[int(node["bitset_idx"])])
    return np.r_[in_left | (~known & missing_left), missing_left]


_LOWEST_BIT_16 = np.array(
    [(b & -b).bit_length() - 1 if b else 16 for b in range(1 << 16)], dtype=np.uint8
)


def _lowest_bit(masks: np.ndarray) -> np.ndarray:
    """Index of each mask's lowest set bit (every mask has one: a row always reaches a leaf)."""
    if masks.dtype.itemsize <= 2:
        return _LOWEST_BIT_16[masks]
    lowest = np.full(masks.shape, 64, dtype=np.uint8)
    for shift in range(masks.dtype.itemsize * 8 - 16, -1, -16):  # the lowest half-word wins
        part = _LOWEST_BIT_16[(masks >> masks.dtype.type(shift)) & masks.dtype.type(0xFFFF)]
        lowest = np.where(part < 16, part + shift, lowest)
    return lowest
