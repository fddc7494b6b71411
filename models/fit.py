"""The DeepLOB training loop (early stopping on validation macro-F1) and
batched prediction. Windows are gathered per batch from the z-scored rows,
so memory stays O(rows), not O(windows x 4000)."""
import copy
import time

import numpy as np
import torch

from metrics import classification
from prep import gather_windows


def predict(model, x: np.ndarray, ends: np.ndarray, device, batch: int = 256) -> np.ndarray:
    """Probabilities [len(ends), 3] in eval mode."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(ends), batch):
            w = torch.from_numpy(gather_windows(x, ends[i:i + batch])).to(device)
            out.append(torch.softmax(model(w), dim=1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 3), dtype=np.float32)


def train(model, x_train: np.ndarray, y_train: np.ndarray, train_ends: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, val_ends: np.ndarray,
          device, epochs: int, batch_size: int, lr: float, max_train: int, patience: int, class_weights, rng: np.random.Generator,
          max_batches: int = 0, log=print) -> dict:
    """x_* are z-scored [T, 40] float32 rows of one concatenated array each;
    y_* labels indexed by event; *_ends the window ends of each period.
    Each epoch draws up to `max_train` training windows at random (shuffling
    within the training period only). Returns the history; the model is left
    with the weights of the best validation epoch."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    weight = torch.tensor(class_weights, dtype=torch.float32, device=device) if class_weights is not None else None
    best = {"macroF1": -1.0, "epoch": 0, "state": copy.deepcopy(model.state_dict())}
    history, stale = [], 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(train_ends)[: max_train if max_train > 0 else None]
        t0, losses = time.perf_counter(), []
        for b, i in enumerate(range(0, len(order), batch_size)):
            if max_batches and b >= max_batches:
                break
            ends = order[i:i + batch_size]
            w = torch.from_numpy(gather_windows(x_train, ends)).to(device)
            y = torch.from_numpy(y_train[ends]).to(device)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(w), y, weight=weight)
            loss.backward()
            opt.step()
            losses.append(float(loss))
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
        trained = min(len(order), max_batches * batch_size) if max_batches else len(order)
        val = classification(y_val[val_ends], predict(model, x_val, val_ends, device).argmax(1))
        history.append({"epoch": epoch, "seconds": round(seconds, 2), "samples": int(trained), "loss": round(float(np.mean(losses)), 5) if losses else None,
                        "valAccuracy": round(val["accuracy"], 4), "valMacroF1": round(val["macroF1"], 4)})
        log(f"epoch {epoch}: {seconds:.1f} s, {trained} windows, loss {history[-1]['loss']}, val acc {val['accuracy']:.4f} macro-F1 {val['macroF1']:.4f}")
        if val["macroF1"] > best["macroF1"] + 1e-6:
            best = {"macroF1": val["macroF1"], "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
            stale = 0
        else:
            stale += 1
            if stale >= patience:
                log(f"early stop: no validation gain for {patience} epochs (best epoch {best['epoch']})")
                break
    model.load_state_dict(best["state"])
    return {"history": history, "bestEpoch": best["epoch"], "bestValMacroF1": best["macroF1"]}
