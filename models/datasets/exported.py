"""Books rebuilt from recordings by the project's own exporter:
`bun src/main.ts export --input FILE[,FILE] --events book` replays the files
through the same feed and book actors as the server and writes one NDJSON
`book` event per applied depth diff: {"event":"book","symbol","ts" (exchange
ms),"u","stale","bids":[[price,qty],...],"asks":[...]}. Any format the
exporter reads works (hftbacktest, cryptofeed, Tardis CSV), so this is also
the builder for a user's own recordings. Stale books (during a resync) are
skipped: they are not the market.
"""
import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import REPO_ROOT, Session, drop_bad_rows, fill_missing_levels

BUN = REPO_ROOT / "node_modules" / ".bin" / "bun"


def export_books(files: list) -> list:
    """NDJSON lines of the exporter's book events for one session (files in order)."""
    for f in files:
        if not Path(f).exists():
            raise FileNotFoundError(f"recording not found: {f}")
    cmd = [str(BUN), str(REPO_ROOT / "src" / "main.ts"), "export", "--input", ",".join(str(f) for f in files), "--events", "book"]
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"genesis export failed (exit {done.returncode}) on {files}: {done.stderr.strip()[-500:]}")
    return done.stdout.splitlines()


def sessions_from_ndjson(lines, source: list, label: str) -> list:
    """One Session per symbol, rows in file order (the exporter's event order)."""
    rows, ts, skipped = {}, {}, {"stale": 0, "malformed": 0}
    for line in lines:
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
            if ev.get("event") != "book":
                continue
            if ev.get("stale"):
                skipped["stale"] += 1
                continue
            ap, aq = fill_missing_levels([a[0] for a in ev["asks"]], [a[1] for a in ev["asks"]])
            bp, bq = fill_missing_levels([b[0] for b in ev["bids"]], [b[1] for b in ev["bids"]])
            row = [v for lvl in range(10) for v in (ap[lvl], aq[lvl], bp[lvl], bq[lvl])]
            rows.setdefault(ev["symbol"], []).append(row)
            ts.setdefault(ev["symbol"], []).append(float(ev["ts"]))
        except (ValueError, KeyError, TypeError, IndexError):
            skipped["malformed"] += 1
    if skipped["stale"] or skipped["malformed"]:
        print(f"{label}: skipped {skipped['stale']} stale and {skipped['malformed']} malformed book events")
    out = []
    for symbol in sorted(rows):
        raw, t = drop_bad_rows(np.array(rows[symbol], dtype=np.float64), np.array(ts[symbol]), f"{label} {symbol}")
        day = datetime.fromtimestamp(t[0] / 1000, tz=timezone.utc).strftime("%Y-%m-%d") if len(t) else "empty"
        out.append(Session(f"{symbol} {day}", raw, t, source))
    return out


def load_recordings(files: list, label: str, relative_to: Path = None) -> list:
    source = [str(Path(f).relative_to(relative_to)) if relative_to and Path(f).is_relative_to(relative_to) else str(f) for f in files]
    if len(files) == 1 and str(files[0]).endswith(".ndjson"):
        return sessions_from_ndjson(Path(files[0]).read_text().splitlines(), source, label)
    return sessions_from_ndjson(export_books(files), source, label)
