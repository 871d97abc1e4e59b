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
  over all rows and trees together, then one table lookup for the leftmost leaf.

A tree sends a value left when it is <= the threshold and NaN the way the split learned (its
``missing_go_to_left``), exactly as scikit-learn's ``_predict_from_raw_data``; the leaves' values
are added tree after tree onto the baseline in scikit-learn's order, so :meth:`CompiledTrees.raw`
equals ``model._raw_predict(X)`` bit for bit (``tests/test_trees.py`` holds it on the trained
models). A model this cannot read (categorical splits, several trees per iteration, more than 64
leaves in a tree, another scikit-learn layout) compiles to None and callers use ``predict``.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_LEAVES = 64  # leaves per tree a mask can hold (one uint64)

_COMPILED: weakref.WeakKeyDictionary[Any, CompiledTrees | None] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Feature:
    column: int
    cuts: np.ndarray  # sorted thresholds the trees compare this column with
    masks: np.ndarray  # (len(cuts) + 2, n_trees): leaves still possible per rank; last is NaN


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
        """The model's raw prediction of each row of ``X`` (before the loss's inverse link)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got {X.shape}")
        n_trees = self.leaf_values.shape[0]
        alive = np.full((len(X), n_trees), self.dtype(~self.dtype(0)), dtype=self.dtype)
        for feature in self.features:
            column = X[:, feature.column]
            rank = np.searchsorted(feature.cuts, column, side="left")
            rank[np.isnan(column)] = len(feature.cuts) + 1
            alive &= feature.masks[rank]
        by_tree = np.ascontiguousarray(alive.T)  # (trees, rows)
        raw = np.zeros(len(X), dtype=np.float64)
        raw += self.baseline
        # tree after tree, as scikit-learn adds them
        if self.mask_values is not None:
            for t, masks in enumerate(by_tree):
                raw += self.mask_values[t].take(masks)
        else:
            for t, leaves in enumerate(_lowest_bit(by_tree)):
                raw += self.leaf_values[t].take(leaves)
        return raw


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
    loss (whose prediction is the raw sum of its trees), from its compiled trees when it has
    them; the same values bit for bit."""
    trees = compiled(model) if getattr(model, "loss", None) == "squared_error" else None
    if trees is None:
        return np.asarray(model.predict(X))
    return trees.raw(X)


def _compile(model: Any) -> CompiledTrees | None:
    try:
        if model.n_trees_per_iteration_ != 1:
            return None
        trees = [iteration[0].nodes for iteration in model._predictors]
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
    features = _feature_masks(trees, leaves, n_features, dtype)
    mask_values = None
    if dtype is np.uint8:  # one lookup per tree and row: mask -> its lowest leaf's value
        lowest = _LOWEST_BIT_16[:256].astype(np.intp)
        mask_values = np.where(lowest < width, leaf_values[:, np.minimum(lowest, width - 1)], 0.0)
    return CompiledTrees(n_features, features, leaf_values, baseline, dtype, mask_values)


def _unreadable(nodes: np.ndarray) -> bool:
    names = nodes.dtype.names or ()
    needed = {"is_leaf", "left", "right", "feature_idx", "num_threshold", "missing_go_to_left"}
    if not needed <= set(names):
        return True
    inner = nodes[nodes["is_leaf"] == 0]
    return "is_categorical" in names and bool(inner["is_categorical"].any())


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


def _feature_masks(
    trees: list[np.ndarray], leaves: list[list[int]], n_features: int, dtype: Any
) -> tuple[_Feature, ...]:
    full = int(np.iinfo(dtype).max)
    splits: dict[int, list[tuple[int, float, bool, int]]] = {}  # column -> (tree, cut, nan left, L)
    for t, (nodes, order) in enumerate(zip(trees, leaves, strict=True)):
        for node, left in _left_leaves(nodes, order).items():
            column = int(nodes["feature_idx"][node])
            threshold = float(nodes["num_threshold"][node])
            nan_left = bool(nodes["missing_go_to_left"][node])
            splits.setdefault(column, []).append((t, threshold, nan_left, left))
    features = []
    for column in sorted(splits):
        if not 0 <= column < n_features:
            raise ValueError(f"a split reads feature {column} of {n_features}")
        cuts = np.unique([threshold for _, threshold, _, _ in splits[column]])
        masks = np.full((len(cuts) + 2, len(trees)), full, dtype=object)
        for t, threshold, nan_left, left in splits[column]:
            j = int(np.searchsorted(cuts, threshold))
            # ranks above j: the value is > this threshold, so the row goes right
            masks[j + 1 : len(cuts) + 1, t] &= full ^ left
            if not nan_left:
                masks[len(cuts) + 1, t] &= full ^ left
        features.append(_Feature(column, cuts, masks.astype(dtype)))
    return tuple(features)


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
