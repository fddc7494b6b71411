"""Markdown results table from model folders' model.json metrics, so the
README quotes exactly what the trainer measured.

  /usr/bin/python3 models/results.py DIR [DIR ...]
"""
import json
import sys
from pathlib import Path


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def rows(folder: Path) -> list:
    meta = json.loads((folder / "model.json").read_text())
    k, tr = meta["horizon"]["k"], meta["training"]
    out = []
    for name, m in meta["metrics"].items():
        t, b, c = m["test"], m["baselines"], m["costAware"]
        shares = "/".join(f"{100 * s:.0f}" for s in t["classShares"])
        out.append(f"| {meta['name']} | {name} | {k} | {t['samples']} | {shares} | {pct(t['accuracy'])} / {pct(t['macroF1'])} "
                   f"| {pct(b['majority']['accuracy'])} / {pct(b['majority']['macroF1'])} | {pct(b['logreg']['accuracy'])} / {pct(b['logreg']['macroF1'])} "
                   f"| {pct(c['deeplob']['beatsSpread'])} ({c['deeplob']['predictedMoves']}) | {pct(c['logreg']['beatsSpread'])} ({c['logreg']['predictedMoves']}) "
                   f"| {tr['secondsPerEpoch']} s x {tr['epochs']} (best {tr['bestEpoch']}) |")
    return out


def main(argv) -> int:
    print("| model | evaluated on | k | windows | up/stat/down % | DeepLOB acc / F1 | majority acc / F1 | logreg acc / F1 | DeepLOB beats spread % (moves) | logreg beats spread % (moves) | s/epoch x epochs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for d in argv:
        print("\n".join(rows(Path(d))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
