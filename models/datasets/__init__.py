"""Dataset builders: each returns sessions of raw book rows (one row per book
event, 40 columns in the model's order) in time order.

A `Dataset` has training sessions and, optionally, later test sessions. With
test sessions the training sessions are split train/validation by time
(walk-forward: test on a later session); without, each session is split
train/validation/test by time (60/20/20 by default).
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Session:
    name: str  # e.g. "BTCUSDT 2023-04-04"
    raw: np.ndarray  # [T, 40] float64
    ts_ms: np.ndarray  # [T] epoch milliseconds (LOBSTER: of the trading day)
    source: list = field(default_factory=list)  # file paths (relative to the data folder) or a query


@dataclass
class Dataset:
    name: str
    train: list  # [Session]
    test: list  # [Session], may be empty


def shared_data_dir(flag: str = None) -> Path:
    """--data flag, else GENESIS_DATA (the project's variable), else
    GENESIS_SHARED_DATA, else ../shared/data beside the repository."""
    value = flag or os.environ.get("GENESIS_DATA") or os.environ.get("GENESIS_SHARED_DATA")
    return Path(value) if value else (REPO_ROOT.parent / "shared" / "data").resolve()


def data_file(data_dir: Path, relative: str) -> Path:
    path = data_dir / relative
    if not path.exists():
        raise FileNotFoundError(f"recording not found: {path} (pass --data or set GENESIS_DATA to the shared data folder)")
    return path


def fill_missing_levels(prices: list, sizes: list, levels: int = 10) -> tuple:
    """A book shallower than `levels`: repeat the last present price with size 0.
    An empty side stays NaN (the row is dropped by the caller)."""
    if not prices:
        return [np.nan] * levels, [0.0] * levels
    prices, sizes = list(prices[:levels]), list(sizes[:levels])
    while len(prices) < levels:
        prices.append(prices[-1])
        sizes.append(0.0)
    return prices, sizes


def drop_bad_rows(raw: np.ndarray, ts_ms: np.ndarray, label: str) -> tuple:
    """Rows with a missing side, non-finite values or a crossed/locked top are
    counted and skipped, never fed to the model."""
    ok = np.isfinite(raw).all(1) & (raw[:, 0] > raw[:, 2]) & (raw[:, 2] > 0)
    dropped = int((~ok).sum())
    if dropped:
        print(f"{label}: skipped {dropped} of {len(raw)} rows (empty side, non-finite or crossed book)")
    return raw[ok], ts_ms[ok]
