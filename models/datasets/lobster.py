"""LOBSTER order-book files (NASDAQ sample, 2012-06-21): row k of the
orderbook file is the book after message k, columns ask price, ask size, bid
price, bid size per level (prices x 10000). With 10 levels that is DeepLOB's
40 inputs exactly. Event time comes from the message file (seconds after
midnight)."""
from pathlib import Path

import numpy as np

from . import Dataset, Session, data_file, drop_bad_rows

GOOG_DIR = "lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10"
GOOG_BOOK = f"{GOOG_DIR}/GOOG_2012-06-21_34200000_57600000_orderbook_10.csv"
GOOG_MESSAGES = f"{GOOG_DIR}/GOOG_2012-06-21_34200000_57600000_message_10.csv"
DAY_MS = 1340236800000  # 2012-06-21T00:00:00Z; LOBSTER times are New York local, kept as given


def _read_csv(path: Path, columns: int) -> np.ndarray:
    text = path.read_text()
    values = np.array(text.replace("\n", ",").strip(",").split(","), dtype=np.float64)
    if values.size % columns:
        raise ValueError(f"{path}: {values.size} values is not a multiple of {columns} columns")
    return values.reshape(-1, columns)


def load_goog(data_dir: Path, max_rows: int = 0) -> Dataset:
    book = _read_csv(data_file(data_dir, GOOG_BOOK), 40)
    messages = _read_csv(data_file(data_dir, GOOG_MESSAGES), 6)
    if len(book) != len(messages):
        raise ValueError(f"LOBSTER GOOG: {len(book)} book rows but {len(messages)} messages")
    raw = book.copy()
    raw[:, 0::2] /= 10000.0  # prices (even columns); sizes in shares
    # LOBSTER marks an empty level with price +-9999999999 and size 0: treat like a shallow book.
    for side in (0, 2):
        prices = raw[:, side::4]
        dummy = np.abs(prices) >= 999999
        for lvl in range(1, 10):
            prices[:, lvl] = np.where(dummy[:, lvl], prices[:, lvl - 1], prices[:, lvl])
        prices[:, 0] = np.where(dummy[:, 0], np.nan, prices[:, 0])  # empty side: row dropped below
        raw[:, side::4] = prices
    ts_ms = DAY_MS + messages[:, 0] * 1000.0
    if max_rows:
        raw, ts_ms = raw[:max_rows], ts_ms[:max_rows]
    raw, ts_ms = drop_bad_rows(raw, ts_ms, "LOBSTER GOOG")
    return Dataset("lobster-goog", [Session("GOOG 2012-06-21", raw, ts_ms, [GOOG_BOOK])], [])
