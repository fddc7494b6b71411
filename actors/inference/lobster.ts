/**
 * LOBSTER order-book files (`*_orderbook_10.csv`): row k is the book after
 * message k, 4 columns per level (ask price, ask size, bid price, bid size),
 * prices x 10000. With 10 levels that is the model's raw row exactly. An
 * empty level (price +-9999999999) takes the level above's price, size as
 * given (0), as models/datasets/lobster.py does; an empty side drops the row.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROW_WIDTH_PER_LEVEL } from "./model-metadata.ts";
import { marketRow } from "./predictor.ts";
import { RowSeries } from "./row-series.ts";

/** LOBSTER's empty-level price, 9999999999 / 10000, with the trainer's margin. */
const DUMMY_PRICE = 999_999;

export function isLobsterOrderbook(file: string): boolean {
  return /_orderbook_\d+\.csv$/.test(path.basename(file));
}

export interface LobsterRead {
  readonly series: RowSeries;
  readonly skipped: number;
}

/** Reads a LOBSTER order-book file with at least `levels` levels into one session. */
export function readLobsterOrderbook(file: string, levels: number): LobsterRead {
  const width = levels * ROW_WIDTH_PER_LEVEL;
  const series = new RowSeries(path.basename(file), width, 1 << 16);
  let skipped = 0;
  const lines = readFileSync(file, "utf8").split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line.length === 0) continue;
    const cells = line.split(",");
    if (cells.length < width || cells.length % ROW_WIDTH_PER_LEVEL !== 0) throw new Error(`LOBSTER ${file}: line ${n + 1} has ${cells.length} columns; need ${width} (${levels} levels)`);
    const { rows, offset } = series.slot();
    for (let c = 0; c < width; c++) rows[offset + c] = Number(cells[c]);
    for (let level = 0; level < levels; level++) {
      for (const side of [0, 2]) {
        const at = offset + level * ROW_WIDTH_PER_LEVEL + side;
        const price = rows[at]! / 10000;
        rows[at] = Math.abs(price) < DUMMY_PRICE ? price : level === 0 ? Number.NaN : rows[at - ROW_WIDTH_PER_LEVEL]!;
      }
    }
    if (marketRow(rows, offset, width)) series.commit();
    else skipped++;
  }
  return { series, skipped };
}
