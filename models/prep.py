"""From raw book rows to model inputs and labels (pure numpy).

Raw row: 40 numbers (askPrice1, askSize1, bidPrice1, bidSize1, ..., level 10),
prices in quote currency, sizes as recorded. The transforms, the z-score and
the labels are the ones written to model.json ("genesis-deeplob/1"), so the
TypeScript server reproduces them exactly: see models/README.md.
"""
from dataclasses import dataclass

import numpy as np

LEVELS = 10
WINDOW_EVENTS = 100
STD_FLOOR = 1e-8
PRICE_COLUMNS = np.array([c for lvl in range(LEVELS) for c in (4 * lvl, 4 * lvl + 2)])
SIZE_COLUMNS = np.array([c for lvl in range(LEVELS) for c in (4 * lvl + 1, 4 * lvl + 3)])
UP, STATIONARY, DOWN = 0, 1, 2  # index order of metadata.labels


def column_names() -> list:
    return [f"{name}{lvl}" for lvl in range(1, LEVELS + 1) for name in ("askPrice", "askSize", "bidPrice", "bidSize")]


def mid_prices(raw: np.ndarray) -> np.ndarray:
    return (raw[:, 0] + raw[:, 2]) / 2.0


def spreads(raw: np.ndarray) -> np.ndarray:
    return raw[:, 0] - raw[:, 2]


def transform(raw: np.ndarray) -> np.ndarray:
    """bpsFromMid for prices, log1p for sizes; float64 [T, 40]."""
    out = np.empty_like(raw, dtype=np.float64)
    mid = mid_prices(raw)[:, None]
    out[:, PRICE_COLUMNS] = (raw[:, PRICE_COLUMNS] - mid) / mid * 1e4
    out[:, SIZE_COLUMNS] = np.log1p(raw[:, SIZE_COLUMNS])
    return out


@dataclass
class ZScore:
    mean: np.ndarray
    std: np.ndarray

    @staticmethod
    def fit(x: np.ndarray) -> "ZScore":
        return ZScore(x.mean(axis=0), np.maximum(x.std(axis=0), STD_FLOOR))

    def apply(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std


def smoothed_change(mid: np.ndarray, k: int) -> np.ndarray:
    """l_t = (mean(mid[t+1..t+k]) - mid[t]) / mid[t]; NaN where t+k runs past the end."""
    out = np.full(mid.shape, np.nan)
    if len(mid) <= k:
        return out
    # A plain mean of k values per t (no running cumsum, whose rounding error
    # grows with the session and would turn "no move" into +-1e-12 moves).
    future_mean = np.lib.stride_tricks.sliding_window_view(mid[1:], k).mean(axis=1)
    t = np.arange(len(mid) - k)
    out[t] = (future_mean - mid[t]) / mid[t]
    return out


def labels_from_change(change: np.ndarray, alpha: float) -> np.ndarray:
    """up if l > alpha, down if l < -alpha, else stationary (NaN -> -1)."""
    lab = np.full(change.shape, STATIONARY, dtype=np.int64)
    lab[change > alpha] = UP
    lab[change < -alpha] = DOWN
    lab[np.isnan(change)] = -1
    return lab


# Below any real move (one tick of BTC at 100k, spread over k=1000 events, is
# 1e-9) and above float rounding of a k-mean (1e-15): "no move" stays stationary.
ALPHA_FLOOR = 1e-9


def auto_alpha(change: np.ndarray, stationary_share: float = 1 / 3) -> float:
    """The alpha that leaves about `stationary_share` of the (training) labels
    stationary, at least ALPHA_FLOOR: where more than that share never moves
    at all (a one-tick-spread crypto book), 'stationary' means no mid change."""
    finite = np.abs(change[np.isfinite(change)])
    return max(float(np.quantile(finite, stationary_share)) if finite.size else 0.0, ALPHA_FLOOR)


def window_ends(start: int, stop: int, k: int) -> np.ndarray:
    """Event indices t in rows [start, stop) whose window t-99..t and label
    rows t+1..t+k all lie inside the period, so no period sees another's rows."""
    first, last = start + WINDOW_EVENTS - 1, stop - k - 1
    return np.arange(first, last + 1) if last >= first else np.arange(0)


def gather_windows(x: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """[len(ends), 1, 100, 40] float32 windows from a transformed [T, 40] array."""
    idx = ends[:, None] + np.arange(-WINDOW_EVENTS + 1, 1)[None, :]
    return x[idx][:, None, :, :].astype(np.float32)


def strided_subsample(ends: np.ndarray, cap: int) -> np.ndarray:
    """At most `cap` ends, evenly spread over the period (keeps its whole time span)."""
    if cap <= 0 or len(ends) <= cap:
        return ends
    return ends[np.linspace(0, len(ends) - 1, cap).round().astype(np.int64)]
