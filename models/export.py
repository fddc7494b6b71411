"""Writes a model folder: model.onnx, model.json ("genesis-deeplob/1") and
parity.json (the fixture the TypeScript side checks itself against; the
contract is in models/README.md)."""
import json
import warnings
from pathlib import Path

import numpy as np
import torch

from deeplob import LABELS, WindowSoftmax
from prep import LEVELS, STD_FLOOR, WINDOW_EVENTS, column_names

FORMAT = "genesis-deeplob/1"
OPSET = 13


def export_onnx(model: torch.nn.Module, path: Path) -> None:
    wrapped = WindowSoftmax(model).eval()
    # Traced with batch 1: the LSTM's batch dimension then broadcasts in the
    # graph (traced with 2, onnxruntime rejects other batch sizes: "invalid
    # expand shape"). The exporter's warnings about it and about Slice
    # folding are expected and silenced.
    dummy = torch.zeros(1, 1, WINDOW_EVENTS, 4 * LEVELS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped, dummy, str(path), input_names=["window"], output_names=["probabilities"],
            dynamic_axes={"window": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=OPSET, do_constant_folding=True,
        )


def input_metadata(zscore) -> dict:
    return {
        "name": "window", "windowEvents": WINDOW_EVENTS, "levels": LEVELS, "columns": column_names(),
        "priceTransform": "bpsFromMid", "sizeTransform": "log1p",
        "zscore": {"mean": zscore.mean.tolist(), "std": zscore.std.tolist(), "stdFloor": STD_FLOOR},
        "missingLevel": "price = the last present level's price on that side, size 0",
    }


def _f32(values) -> str:
    """Shortest text that reads back as the same float32."""
    return ",".join(np.format_float_positional(np.float32(v), unique=True, trim="-") for v in values)


def _rows(rows, fmt) -> str:
    return "[" + ",".join("[" + fmt(r) + "]" for r in rows) + "]"


def write_parity(path: Path, raw_windows: np.ndarray, inputs: np.ndarray, outputs: np.ndarray, logreg_features: np.ndarray, logreg_probs: np.ndarray, tolerance: float = 1e-4) -> None:
    """raw windows [n,100,40] float64 (as recorded), inputs [n,1,100,40] float32
    (transformed + z-scored, flattened in C order), PyTorch probabilities [n,3]."""
    f64 = lambda r: ",".join(repr(float(v)) for v in r)
    raw_text = "[" + ",".join(_rows(w, f64) for w in raw_windows) + "]"
    text = (
        '{"format":"genesis-deeplob-parity/1",'
        f'"windows":{len(raw_windows)},"tolerance":{tolerance},'
        f'"rawWindows":{raw_text},'
        f'"inputs":[{_f32(inputs.reshape(-1))}],'
        f'"outputs":{_rows(outputs, f64)},'
        f'"logreg":{{"features":{_rows(logreg_features, f64)},"probabilities":{_rows(logreg_probs, f64)}}}}}\n'
    )
    path.write_text(text)


def write_metadata(path: Path, meta: dict) -> None:
    path.write_text(json.dumps(meta, indent=1) + "\n")


def model_metadata(name: str, zscore, k: int, alpha: float, training: dict, metrics: dict, majority: int, logreg) -> dict:
    return {
        "format": FORMAT, "name": name, "labels": LABELS, "input": input_metadata(zscore),
        "output": {"name": "probabilities", "opset": OPSET},
        "horizon": {"k": k, "alpha": alpha, "method": "meanNextK",
                    "definition": "m+ = mean(mid[t+1..t+k]); l = (m+ - mid[t]) / mid[t]; up if l > alpha, down if l < -alpha, else stationary"},
        "event": "one row per book change (LOBSTER: one message; Binance: one applied depth diff)",
        "training": training, "metrics": metrics,
        "baselines": {"majority": {"label": LABELS[majority]}, "logreg": logreg.metadata()},
    }
