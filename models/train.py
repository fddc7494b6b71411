"""Train DeepLOB on one dataset, evaluate it on the held-out later period next
to the baselines, and export model.onnx + model.json + parity.json.

  /usr/bin/python3 models/train.py --dataset binance --k 50 --out models/default
  /usr/bin/python3 models/train.py --smoke --out /tmp/deeplob-smoke

Splits are by time, never shuffled across it (see models/README.md).
"""
import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from baselines import LogReg, majority_label, window_features  # noqa: E402
from datasets import shared_data_dir  # noqa: E402
from deeplob import LABELS, DeepLOB, count_parameters  # noqa: E402
from export import export_onnx, model_metadata, write_metadata, write_parity  # noqa: E402
from fit import predict, train  # noqa: E402
from metrics import classification, cost_aware  # noqa: E402
from prep import ZScore, auto_alpha, gather_windows, labels_from_change, mid_prices, smoothed_change, spreads, strided_subsample, transform, window_ends  # noqa: E402

DATASETS = ["binance", "lobster-goog", "recordings", "db"]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train, evaluate and export DeepLOB (genesis-deeplob/1).")
    p.add_argument("--dataset", choices=DATASETS, default="binance")
    p.add_argument("--data", help="shared data folder (default: GENESIS_DATA, GENESIS_SHARED_DATA, or ../shared/data)")
    p.add_argument("--input", help="recordings: comma-separated files for training/validation (any format `genesis export` reads, or one .ndjson of its book events)")
    p.add_argument("--test-input", help="recordings: comma-separated files of a later period to test on")
    p.add_argument("--db-url", help="db: PostgreSQL URL for psql")
    p.add_argument("--symbols", help="db: comma-separated symbols")
    p.add_argument("--since", help="db: first timestamp (ISO)")
    p.add_argument("--until", help="db: end timestamp (ISO, exclusive)")
    p.add_argument("--test-since", help="db: rows from this timestamp on are the test period")
    p.add_argument("--k", type=int, default=50, help="horizon in events (default 50)")
    p.add_argument("--alpha", default="auto", help="label threshold as a fraction of mid, or 'auto' (a third of training labels stationary, floor 1e-9)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=3, help="epochs without validation macro-F1 gain before stopping")
    p.add_argument("--max-samples", type=int, default=8000, help="training windows drawn per epoch (0 = all)")
    p.add_argument("--max-eval-samples", type=int, default=3000, help="test (and final validation) windows, evenly spread over each period (0 = all)")
    p.add_argument("--max-val-samples", type=int, default=1500, help="validation windows scored after each epoch for early stopping, evenly spread (0 = all)")
    p.add_argument("--max-rows", type=int, default=0, help="use only the first N rows of each session (0 = all)")
    p.add_argument("--max-batches", type=int, default=0, help="stop each epoch after N batches (0 = no limit)")
    p.add_argument("--class-weights", choices=["balanced", "none"], default="balanced")
    p.add_argument("--train-fraction", type=float, default=0.6, help="one-session datasets: training share of the rows by time")
    p.add_argument("--val-fraction", type=float, default=0.2, help="validation share (of the session, or of the training sessions when test sessions exist)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="auto")
    p.add_argument("--no-eth", action="store_true", help="binance: test on BTCUSDT 2024 only")
    p.add_argument("--parity-windows", type=int, default=8)
    p.add_argument("--out", required=True, help="output folder for model.onnx, model.json, parity.json")
    p.add_argument("--smoke", action="store_true", help="a few batches on a small slice (CI): LOBSTER GOOG, 3000 rows, 1 epoch")
    args = p.parse_args(argv)
    if args.smoke:
        args.dataset = "lobster-goog" if args.dataset == "binance" else args.dataset
        args.max_rows, args.epochs, args.max_batches, args.batch_size = args.max_rows or 3000, 1, 3, 16
        args.max_eval_samples, args.max_val_samples, args.k = 64, 64, min(args.k, 20)
    if args.alpha != "auto":
        try:
            args.alpha = float(args.alpha)
        except ValueError:
            p.error(f"--alpha: expected a number or 'auto', got {args.alpha!r}")
    if args.dataset == "recordings" and not args.input:
        p.error("--dataset recordings needs --input FILE[,FILE]")
    if args.dataset == "db" and not args.db_url:
        p.error("--dataset db needs --db-url")
    return args


def load(args):
    data_dir = shared_data_dir(args.data)
    if args.dataset == "lobster-goog":
        from datasets.lobster import load_goog
        return load_goog(data_dir)
    if args.dataset == "binance":
        from datasets.binance import load_binance
        return load_binance(data_dir, test_eth=not args.no_eth)
    if args.dataset == "recordings":
        from datasets.binance import load_files
        split = lambda s: [f for f in (s or "").split(",") if f]
        return load_files(split(args.input), split(args.test_input), data_dir)
    from datasets.database import load_db
    return load_db(args.db_url, [s for s in (args.symbols or "").split(",") if s], args.since, args.until, args.test_since)


def iso(ts_ms: float) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_periods(dataset, args):
    """Concatenate all sessions into one row array; periods are [start, stop)
    row ranges with a role, never crossing a session."""
    sessions = dataset.train + dataset.test
    if args.max_rows:
        for s in sessions:
            s.raw, s.ts_ms = s.raw[: args.max_rows], s.ts_ms[: args.max_rows]
    periods, offset = [], 0
    for s in sessions:
        n, is_test = len(s.raw), any(s is t for t in dataset.test)
        if is_test:
            cuts = [("test", 0, n)]
        elif dataset.test:
            b = int(n * (1 - args.val_fraction))
            cuts = [("train", 0, b), ("validation", b, n)]
        else:
            a, b = int(n * args.train_fraction), int(n * (args.train_fraction + args.val_fraction))
            cuts = [("train", 0, a), ("validation", a, b), ("test", b, n)]
        for role, lo, hi in cuts:
            if hi > lo:
                periods.append({"role": role, "session": s.name, "start": offset + lo, "stop": offset + hi,
                                "from": iso(s.ts_ms[lo]), "to": iso(s.ts_ms[hi - 1]), "rows": hi - lo, "source": s.source})
        offset += n
    raw = np.concatenate([s.raw for s in sessions])
    change = np.concatenate([smoothed_change(mid_prices(s.raw), args.k) for s in sessions])
    return raw, change, periods


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu")
    if args.device == "cuda" and not torch.cuda.is_available():
        print("train: --device cuda but torch sees no CUDA device", file=sys.stderr)
        return 2
    t_start = time.perf_counter()
    try:
        dataset = load(args)
    except (FileNotFoundError, RuntimeError, ValueError) as err:
        print(f"train: {err}", file=sys.stderr)
        return 2
    raw, change, periods = build_periods(dataset, args)
    by_role = lambda role: [p for p in periods if p["role"] == role]
    if not by_role("train") or not by_role("validation") or not by_role("test"):
        print(f"train: need train, validation and test periods, got {[p['role'] for p in periods]}", file=sys.stderr)
        return 2
    train_rows = np.concatenate([np.arange(p["start"], p["stop"]) for p in by_role("train")])
    zscore = ZScore.fit(transform(raw[train_rows]))
    x = zscore.apply(transform(raw)).astype(np.float32)
    mid, spread = mid_prices(raw), spreads(raw)

    ends_of = lambda ps: np.concatenate([window_ends(p["start"], p["stop"], args.k) for p in ps]) if ps else np.arange(0)
    train_ends = ends_of(by_role("train"))
    alpha = auto_alpha(change[train_ends]) if args.alpha == "auto" else float(args.alpha)
    y = labels_from_change(change, alpha)
    val_ends = strided_subsample(ends_of(by_role("validation")), args.max_val_samples)
    counts = np.bincount(y[train_ends], minlength=3)
    weights = (len(train_ends) / (3 * np.maximum(counts, 1))).tolist() if args.class_weights == "balanced" else None
    print(f"{dataset.name}: k={args.k} alpha={alpha:.3g}; windows train {len(train_ends)} (shares {np.round(counts / max(counts.sum(), 1), 3).tolist()}), validation {len(val_ends)}; device {device}")

    model = DeepLOB().to(device)
    fit = train(model, x, y, train_ends, x, y, val_ends, device, args.epochs, args.batch_size, args.lr, args.max_samples, args.patience, weights, rng, args.max_batches)
    seconds_per_epoch = float(np.mean([h["seconds"] for h in fit["history"]]))

    majority = majority_label(y[train_ends])
    feats = lambda ends: window_features(raw, ends)
    logreg = LogReg(class_weights=weights).fit(feats(train_ends), y[train_ends], feats(val_ends), y[val_ends], rounds=5 if args.smoke else 40)

    metrics = {}
    for p in by_role("validation") + by_role("test"):
        ends = strided_subsample(window_ends(p["start"], p["stop"], args.k), args.max_eval_samples)
        if len(ends) == 0:
            continue
        truth = y[ends]
        pred = predict(model, x, ends, device).argmax(1)
        lr_pred = logreg.predict(feats(ends))
        entry = {
            "period": {"from": p["from"], "to": p["to"], "rows": p["rows"]},
            "test": classification(truth, pred),
            "baselines": {"majority": classification(truth, np.full_like(truth, majority)), "logreg": classification(truth, lr_pred)},
            "costAware": {"deeplob": cost_aware(pred, ends, mid, spread, args.k), "logreg": cost_aware(lr_pred, ends, mid, spread, args.k)},
        }
        metrics[p["session"] if p["role"] == "test" else f"{p['session']} (validation)"] = entry
        t = entry["test"]
        print(f"{p['role']} {p['session']}: n={t['samples']} DeepLOB acc {t['accuracy']:.4f} F1 {t['macroF1']:.4f} | majority acc {entry['baselines']['majority']['accuracy']:.4f} F1 {entry['baselines']['majority']['macroF1']:.4f} | logreg acc {entry['baselines']['logreg']['accuracy']:.4f} F1 {entry['baselines']['logreg']['macroF1']:.4f} | beats spread {entry['costAware']['deeplob']['beatsSpread']}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = model.cpu().eval()
    export_onnx(model, out / "model.onnx")
    first_test = by_role("test")[0]
    p_ends = strided_subsample(window_ends(first_test["start"], first_test["stop"], args.k), args.parity_windows)
    raw_windows = raw[p_ends[:, None] + np.arange(-99, 1)[None, :]]
    inputs = gather_windows(x, p_ends)
    outputs = predict(model, x, p_ends, torch.device("cpu"))
    pf = feats(p_ends)
    write_parity(out / "parity.json", raw_windows, inputs, outputs, pf, logreg.probabilities(pf))

    span = lambda role: [{"session": p["session"], "from": p["from"], "to": p["to"], "rows": p["rows"]} for p in by_role(role)]
    training = {
        "datasets": [{"name": dataset.name, "sessions": sorted({p["session"] for p in periods}), "source": sorted({f for p in periods for f in p["source"]})}],
        "trainPeriod": span("train"), "validationPeriod": span("validation"), "testPeriod": span("test"),
        "epochs": len(fit["history"]), "bestEpoch": fit["bestEpoch"], "history": fit["history"],
        "samples": {"trainWindows": int(len(train_ends)), "trainWindowsPerEpoch": fit["history"][0]["samples"], "validationWindows": int(len(val_ends)),
                    "testWindows": {k: v["test"]["samples"] for k, v in metrics.items() if "(validation)" not in k}},
        "trainClassShares": np.round(counts / max(counts.sum(), 1), 4).tolist(), "classWeights": weights,
        "trainedAt": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"), "torch": torch.__version__, "device": device.type,
        "threads": args.threads, "machine": platform.machine(), "secondsPerEpoch": round(seconds_per_epoch, 2), "parameters": count_parameters(model),
        "hyper": {"batchSize": args.batch_size, "lr": args.lr, "maxSamples": args.max_samples, "maxEvalSamples": args.max_eval_samples, "maxValSamples": args.max_val_samples, "maxRows": args.max_rows, "seed": args.seed, "smoke": args.smoke},
        "command": "models/train.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    name = f"deeplob-{dataset.name}-k{args.k}" + ("-smoke" if args.smoke else "")
    write_metadata(out / "model.json", model_metadata(name, zscore, args.k, alpha, training, metrics, majority, logreg))
    print(f"wrote {out}/model.onnx, model.json, parity.json ({name}); {seconds_per_epoch:.1f} s per epoch; total {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
