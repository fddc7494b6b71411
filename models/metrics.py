"""Classification and cost-aware metrics on the held-out period."""
import numpy as np

from prep import DOWN, UP


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n: int = 3) -> np.ndarray:
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (y_true, y_pred), 1)
    return m  # rows: true label, columns: predicted


def macro_f1(cm: np.ndarray) -> float:
    f1s = []
    for c in range(cm.shape[0]):
        tp = cm[c, c]
        prec = tp / cm[:, c].sum() if cm[:, c].sum() else 0.0
        rec = tp / cm[c, :].sum() if cm[c, :].sum() else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return float(np.mean(f1s))


def classification(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    cm = confusion(y_true, y_pred)
    n = int(len(y_true))
    return {
        "accuracy": float((y_true == y_pred).mean()) if n else 0.0,
        "macroF1": macro_f1(cm),
        "confusion": cm.tolist(),
        "samples": n,
        "classShares": (np.bincount(y_true, minlength=3) / max(n, 1)).round(4).tolist(),
        "predictedShares": (np.bincount(y_pred, minlength=3) / max(n, 1)).round(4).tolist(),
    }


def cost_aware(y_pred: np.ndarray, ends: np.ndarray, mid: np.ndarray, spread: np.ndarray, k: int) -> dict:
    """Of the predicted up/down moves, the share whose realised mid move over
    k events, in the predicted direction, beats the half-spread and the full
    spread at t: direction * (mid[t+k] - mid[t]) > spread[t] / 2 (resp. > spread[t]).
    Beating the spread is what a taker needs to cross in and out at mid[t+k]."""
    moves = y_pred != 1
    direction = np.where(y_pred == UP, 1.0, np.where(y_pred == DOWN, -1.0, 0.0))
    realised = direction * (mid[ends + k] - mid[ends])
    n = int(moves.sum())
    half = realised[moves] > spread[ends][moves] / 2
    full = realised[moves] > spread[ends][moves]
    wrong = realised[moves] < 0
    return {
        "predictedMoves": n,
        "beatsHalfSpread": float(half.mean()) if n else None,
        "beatsSpread": float(full.mean()) if n else None,
        "wrongWay": float(wrong.mean()) if n else None,
        "definition": "of windows predicted up/down: share with dir*(mid[t+k]-mid[t]) > spread[t]/2 (beatsHalfSpread), > spread[t] (beatsSpread), < 0 (wrongWay)",
    }
