"""Books from the project's database: the recorder's `book_snapshots` table
(sql/001_market_data.sql) holds the top N levels per row as arrays (bid_px,
bid_qty, ask_px, ask_qty). It holds one row per book update only when the
server ran with `--record-book-ms 0`; with the default (100 ms) it holds the
first update of each 100 ms interval, so an "event" becomes a 100 ms sample
and k counts samples, not events. Read through the `psql` client (no Python
driver needed), server databases only: the embedded PGlite engine has no
socket; export its recordings to files instead.
"""
import subprocess

import numpy as np

from . import Dataset, Session, drop_bad_rows, fill_missing_levels

QUERY = """COPY (SELECT symbol, extract(epoch FROM ts) * 1000, ask_px, ask_qty, bid_px, bid_qty
FROM book_snapshots WHERE NOT stale {where} ORDER BY symbol, ts, u) TO STDOUT"""


def _array(text: str) -> list:
    inner = text.strip("{}")
    return [float(v) for v in inner.split(",")] if inner else []


def _where(symbols: list, since: str, until: str) -> str:
    parts = []
    if symbols:
        parts.append("symbol IN (" + ",".join("'" + s.replace("'", "") + "'" for s in symbols) + ")")
    if since:
        parts.append(f"ts >= '{since.replace(chr(39), '')}'::timestamptz")
    if until:
        parts.append(f"ts < '{until.replace(chr(39), '')}'::timestamptz")
    return "".join(" AND " + p for p in parts)


def load_sessions(db_url: str, symbols: list, since: str = None, until: str = None) -> list:
    query = QUERY.format(where=_where(symbols, since, until)).replace("\n", " ")
    done = subprocess.run(["psql", db_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", query], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed (exit {done.returncode}) on {db_url}: {done.stderr.strip()[-400:]}")
    rows, ts, malformed = {}, {}, 0
    for line in done.stdout.splitlines():
        try:
            symbol, t, ap, aq, bp, bq = line.split("\t")
            ap, aq = fill_missing_levels(_array(ap), _array(aq))
            bp, bq = fill_missing_levels(_array(bp), _array(bq))
            rows.setdefault(symbol, []).append([v for i in range(10) for v in (ap[i], aq[i], bp[i], bq[i])])
            ts.setdefault(symbol, []).append(float(t))
        except ValueError:
            malformed += 1
    if malformed:
        print(f"database: skipped {malformed} malformed book_snapshots rows")
    out = []
    for symbol in sorted(rows):
        raw, t = drop_bad_rows(np.array(rows[symbol]), np.array(ts[symbol]), f"database {symbol}")
        out.append(Session(f"{symbol} db", raw, t, [f"book_snapshots symbol={symbol} since={since} until={until}"]))
    return out


def load_db(db_url: str, symbols: list, since: str, until: str, test_since: str = None) -> Dataset:
    """Without `test_since` each symbol's rows are split 60/20/20 by time;
    with it, rows before are train/validation and rows from it on are the test."""
    if test_since:
        return Dataset("db", load_sessions(db_url, symbols, since, test_since), load_sessions(db_url, symbols, test_since, until))
    return Dataset("db", load_sessions(db_url, symbols, since, until), [])
