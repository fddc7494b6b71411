"""The shared Binance USDT-M recordings (hftbacktest format): two continuous
sessions, 2023-04-04/05 (BTCUSDT) and 2024-07-18/19 (BTCUSDT, ETHUSDT). The
default split is walk-forward: train and validate on the 2023 BTCUSDT session
(validation = its last part in time), test on the 2024 sessions, 15 months
later (BTCUSDT: the same market later; ETHUSDT: another market later)."""
from pathlib import Path

from . import Dataset, data_file
from .exported import load_recordings

DIR = "binance-usdm/hftbacktest"
BTC_2023 = [f"{DIR}/btcusdt_20230404.dat.gz", f"{DIR}/btcusdt_20230405.dat.gz"]
BTC_2024 = [f"{DIR}/btcusdt_20240718.gz", f"{DIR}/btcusdt_20240719.gz"]
ETH_2024 = [f"{DIR}/ethusdt_20240718.gz", f"{DIR}/ethusdt_20240719.gz"]


def load_binance(data_dir: Path, test_eth: bool = True) -> Dataset:
    def session(files):
        return load_recordings([data_file(data_dir, f) for f in files], "binance", relative_to=data_dir)

    train = session(BTC_2023)
    test = session(BTC_2024) + (session(ETH_2024) if test_eth else [])
    return Dataset("binance-btcusdt", train, test)


def load_files(train_files: list, test_files: list, data_dir: Path) -> Dataset:
    """A user's own recordings: --input FILES (and optionally --test-input
    FILES, a later period); one session per symbol in each group."""
    train = load_recordings(train_files, "recordings", relative_to=data_dir)
    test = load_recordings(test_files, "recordings", relative_to=data_dir) if test_files else []
    return Dataset("recordings", train, test)
