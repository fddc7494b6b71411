"""Baselines: the training period's majority class, and multinomial logistic
regression on order-flow features computed from the same 100-event window the
model sees (definitions in models/README.md, "Logreg features").
"""
import numpy as np
import torch

OFI_LEVELS = 5
FEATURE_NAMES = [f"ofi{i}" for i in range(1, OFI_LEVELS + 1)] + ["imbalance1", "imbalance5"]


def ofi_contributions(raw: np.ndarray) -> np.ndarray:
    """e[t, i] for levels 1..5 between rows t-1 and t (Cont, Kukanov & Stoikov
    2014, per level as in Xu, Gould & Howison 2019's multi-level OFI):
      bid: (Pb_t >= Pb_{t-1}) qb_t - (Pb_t <= Pb_{t-1}) qb_{t-1}
      ask: (Pa_t <= Pa_{t-1}) qa_t - (Pa_t >= Pa_{t-1}) qa_{t-1}
      e = bid - ask.  Row 0 has no predecessor: e = 0."""
    e = np.zeros((len(raw), OFI_LEVELS))
    for i in range(OFI_LEVELS):
        pa, qa, pb, qb = (raw[:, 4 * i + j] for j in range(4))
        bid = (pb[1:] >= pb[:-1]) * qb[1:] - (pb[1:] <= pb[:-1]) * qb[:-1]
        ask = (pa[1:] <= pa[:-1]) * qa[1:] - (pa[1:] >= pa[:-1]) * qa[:-1]
        e[1:, i] = bid - ask
    return e


def _imbalance(bid: np.ndarray, ask: np.ndarray) -> np.ndarray:
    total = bid + ask
    return np.divide(bid - ask, total, out=np.zeros_like(total), where=total > 0)


def window_features(raw: np.ndarray, ends: np.ndarray, window: int = 100) -> np.ndarray:
    """[len(ends), 7]: OFI levels 1..5 summed over the 99 row-to-row changes
    inside the window rows t-99..t, then level-1 and 5-level imbalance at row t."""
    e = ofi_contributions(raw)
    csum = np.concatenate((np.zeros((1, OFI_LEVELS)), np.cumsum(e, axis=0)))
    # sum of e[s] for s in t-98..t (the first window row has no predecessor inside the window)
    ofi = csum[ends + 1] - csum[ends - window + 2]
    r = raw[ends]
    imb1 = _imbalance(r[:, 3], r[:, 1])
    imb5 = _imbalance(r[:, [4 * i + 3 for i in range(5)]].sum(1), r[:, [4 * i + 1 for i in range(5)]].sum(1))
    return np.column_stack([ofi, imb1, imb5])


def majority_label(y_train: np.ndarray) -> int:
    return int(np.bincount(y_train, minlength=3).argmax())


class LogReg:
    """Multinomial logistic regression, p = softmax(W z + b), z = (x - mean) / std
    fitted on the training period; L2 on W; full-batch L-BFGS steps with early
    stopping on the validation macro-F1 (ties: validation loss)."""

    def __init__(self, l2: float = 1e-3, class_weights=None):
        self.l2 = l2
        self.class_weights = class_weights

    def fit(self, x_train, y_train, x_val, y_val, rounds: int = 50) -> "LogReg":
        from metrics import classification

        self.mean = x_train.mean(0)
        self.std = np.maximum(x_train.std(0), 1e-8)
        xt = torch.tensor((x_train - self.mean) / self.std, dtype=torch.float64)
        yt = torch.tensor(y_train)
        w = torch.zeros(3, xt.shape[1], dtype=torch.float64, requires_grad=True)
        b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        cw = torch.tensor(self.class_weights, dtype=torch.float64) if self.class_weights is not None else None
        opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=5, history_size=10, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(xt @ w.T + b, yt, weight=cw) + self.l2 * (w * w).sum()
            loss.backward()
            return loss

        best = (-1.0, None, None)
        for _ in range(rounds):
            opt.step(closure)
            self.weights, self.bias = w.detach().numpy().copy(), b.detach().numpy().copy()
            score = classification(y_val, self.predict(x_val))["macroF1"] if len(y_val) else 0.0
            if score > best[0] + 1e-6:
                best = (score, self.weights, self.bias)
        self.weights, self.bias = best[1], best[2]
        return self

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.std @ self.weights.T + self.bias
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(1, keepdims=True)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.probabilities(x).argmax(1)

    def metadata(self) -> dict:
        return {"features": FEATURE_NAMES, "mean": self.mean.tolist(), "std": self.std.tolist(), "weights": self.weights.tolist(), "bias": self.bias.tolist(), "l2": self.l2}
