"""Input validation shared by the scoring, mining and metric functions.

Every public function of the core validates its inputs here, so a bad input fails at once with a message
that names the argument, what was found and what to do, instead of turning into a silently wrong score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

ArrayLike = torch.Tensor | np.ndarray

# Unit norm is checked with a tolerance that float16 storage still passes.
_NORM_TOLERANCE = 2e-3


def as_float_tensor(name: str, value: ArrayLike, *, like: torch.Tensor | None = None) -> torch.Tensor:
    """Return ``value`` as a floating tensor (float32 or float64), on ``like``'s device and dtype if given."""
    if isinstance(value, np.ndarray):
        if not np.issubdtype(value.dtype, np.floating):
            raise ValueError(f"{name} must hold floating-point values, got numpy dtype {value.dtype}")
        value = torch.from_numpy(np.ascontiguousarray(value))
    elif not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor or numpy.ndarray, got {type(value).__name__}")
    if not value.is_floating_point():
        raise ValueError(f"{name} must hold floating-point values, got {value.dtype}")
    if like is not None:
        return value.to(device=like.device, dtype=like.dtype)
    if value.dtype not in (torch.float32, torch.float64):
        # Half precision is a storage format here; the maths runs in float32 (CPU half matmuls are slow
        # and log-sum-exp in half precision loses the digits the scores live in).
        value = value.float()
    return value


def check_matrix(name: str, x: torch.Tensor, *, dim: int | None = None, unit_norm: bool = True) -> None:
    """Require a non-empty, finite 2-D matrix with ``dim`` columns and (optionally) L2-normalised rows."""
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix (rows x embedding dim), got shape {tuple(x.shape)}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty (0 rows): nothing to score against")
    if dim is not None and x.shape[1] != dim:
        raise ValueError(
            f"{name} has embedding dim {x.shape[1]} but the image features have dim {dim}: "
            "text and image embeddings must come from the same model"
        )
    finite = torch.isfinite(x)
    if not bool(finite.all()):
        bad = int((~finite.all(dim=1)).sum())
        raise ValueError(f"{name} contains NaN or inf in {bad} of {x.shape[0]} rows")
    if unit_norm:
        norms = torch.linalg.vector_norm(x, dim=1)
        worst = float((norms - 1).abs().max())
        if worst > _NORM_TOLERANCE:
            raise ValueError(
                f"{name} rows must be L2-normalised (|norm - 1| <= {_NORM_TOLERANCE}), worst row is off by "
                f"{worst:.3g}; pass debiasood.l2_normalize({name}) instead"
            )


def check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def check_fraction(name: str, value: float, *, low_open: bool = True, high_closed: bool = True) -> None:
    """Require ``value`` in (0, 1] by default."""
    ok = isinstance(value, int | float) and math.isfinite(value)
    ok = ok and (value > 0 if low_open else value >= 0) and (value <= 1 if high_closed else value < 1)
    if not ok:
        interval = ("(" if low_open else "[") + "0, 1" + ("]" if high_closed else ")")
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")


def check_int(name: str, value: int, *, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def check_labels(words: Sequence[str], parts_of_speech: Sequence[str], n_rows: int) -> None:
    """Words must be unique strings (they break ties), one part of speech each, one per feature row."""
    if len(words) != n_rows or len(parts_of_speech) != n_rows:
        raise ValueError(
            f"got {n_rows} feature rows but {len(words)} words and {len(parts_of_speech)} parts of speech: "
            "pass exactly one word and one part of speech per row"
        )
    seen: set[str] = set()
    duplicates = [w for w in words if w in seen or seen.add(w)]
    if duplicates:
        raise ValueError(
            f"words must be unique (they are the tie-break key); duplicated: {sorted(set(duplicates))[:5]}"
        )
