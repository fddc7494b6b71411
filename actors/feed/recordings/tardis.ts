/**
 * Tardis.dev CSV -> Binance-format frames, so replay of a Tardis file runs
 * the same decoder and book sync as live Binance data.
 *
 * - incremental_book_L2: consecutive rows with the same (symbol, timestamp,
 *   local_timestamp, is_snapshot) form one frame. A snapshot run becomes a
 *   REST-style snapshot (bids descending, asks ascending); an incremental run
 *   a `depthUpdate` diff. Tardis has no update ids, so each frame gets the
 *   next value of a per-file counter (shared by symbols, as Binance's is),
 *   and `pu` is the id of that symbol's previous frame: the chain holds by
 *   construction, and a snapshot followed by diffs syncs like Binance's.
 * - trades: one `trade` frame per row; `m` (buyer is maker) is true when the
 *   aggressor sold (side "sell"); a non-numeric trade id is replaced by a
 *   per-file sequence number, because the decoder requires an integer.
 * - book_snapshot_N / quotes: one snapshot per row (quotes: the top level).
 * Prices and amounts keep their CSV text (no float reformatting). Times are
 * microseconds: `timestamp` -> E/T, `local_timestamp` -> localTsMs.
 */
import type { RawFrame } from "../../../src/switchboard.ts";
import type { LineParser, ReadStats } from "./parser.ts";
import { microsTextToMs } from "./timestamps.ts";

export type TardisKind = "tardis-incremental-l2" | "tardis-trades" | "tardis-book-snapshot" | "tardis-quotes";

const COMMON = ["exchange", "symbol", "timestamp", "local_timestamp"];

/** The Tardis data type named by a CSV header row, or undefined. */
export function tardisKindOf(headerLine: string): TardisKind | undefined {
  const columns = headerLine.split(",");
  if (!COMMON.every((name, i) => columns[i] === name)) return undefined;
  const has = (...names: string[]) => names.every((name) => columns.includes(name));
  if (has("is_snapshot", "side", "price", "amount")) return "tardis-incremental-l2";
  if (has("id", "side", "price", "amount")) return "tardis-trades";
  if (has("asks[0].price", "asks[0].amount", "bids[0].price", "bids[0].amount")) return "tardis-book-snapshot";
  if (has("ask_price", "ask_amount", "bid_price", "bid_amount")) return "tardis-quotes";
  return undefined;
}

type Level = readonly [price: string, amount: string];

/** Shared by the four converters: row splitting, times, ids and frame text. */
class TardisRows {
  readonly index: Record<string, number> = {};
  private nextUpdateId = 0;
  private readonly lastIdBySymbol = new Map<string, number>();
  private readonly width: number;

  constructor(
    header: string,
    readonly stats: ReadStats,
  ) {
    const columns = header.split(",");
    this.width = columns.length;
    columns.forEach((name, i) => (this.index[name] = i));
  }

  /** The row's fields and times, or undefined (counted) when malformed. */
  split(text: string): { cells: string[]; symbol: string; exchTsMs: number; localTsMs: number } | undefined {
    if (text.length === 0) {
      this.stats.skippedLines++;
      return undefined;
    }
    const cells = text.split(",");
    const symbol = cells[1] ?? "";
    const localTsMs = microsTextToMs(cells[3] ?? "");
    const exchTs = microsTextToMs(cells[2] ?? "");
    if (cells.length < this.width || symbol.length === 0 || Number.isNaN(localTsMs)) {
      this.stats.malformedLines++;
      return undefined;
    }
    return { cells, symbol, exchTsMs: Number.isNaN(exchTs) ? localTsMs : exchTs, localTsMs };
  }

  cell(cells: string[], name: string): string {
    return cells[this.index[name]!] ?? "";
  }

  snapshot(symbol: string, exchTsMs: number, localTsMs: number, bids: Level[], asks: Level[]): RawFrame {
    const id = this.takeId(symbol).id;
    bids.sort((x, y) => Number(y[0]) - Number(x[0]));
    asks.sort((x, y) => Number(x[0]) - Number(y[0]));
    const text = `{"lastUpdateId":${id},"E":${exchTsMs},"T":${exchTsMs},"bids":${levelsJson(bids)},"asks":${levelsJson(asks)}}`;
    return { localTsMs, text, symbol };
  }

  diff(symbol: string, exchTsMs: number, localTsMs: number, bids: Level[], asks: Level[]): RawFrame {
    const { id, previousId } = this.takeId(symbol);
    const data =
      `{"e":"depthUpdate","E":${exchTsMs},"T":${exchTsMs},"s":${JSON.stringify(symbol)},` +
      `"U":${id},"u":${id},"pu":${previousId},"b":${levelsJson(bids)},"a":${levelsJson(asks)}}`;
    return { localTsMs, text: `{"stream":${JSON.stringify(`${symbol.toLowerCase()}@depth@0ms`)},"data":${data}}` };
  }

  private takeId(symbol: string): { id: number; previousId: number } {
    const id = ++this.nextUpdateId;
    const previousId = this.lastIdBySymbol.get(symbol) ?? 0;
    this.lastIdBySymbol.set(symbol, id);
    return { id, previousId };
  }
}

export function tardisParser(kind: TardisKind, header: string, stats: ReadStats): LineParser {
  const rows = new TardisRows(header, stats);
  switch (kind) {
    case "tardis-incremental-l2":
      return incrementalParser(rows);
    case "tardis-trades":
      return tradesParser(rows);
    case "tardis-book-snapshot":
      return bookSnapshotParser(rows, header);
    case "tardis-quotes":
      return quotesParser(rows);
  }
}

function incrementalParser(rows: TardisRows): LineParser {
  let group: { key: string; symbol: string; snapshot: boolean; exchTsMs: number; localTsMs: number; bids: Level[]; asks: Level[] } | undefined;
  const flush = (out: RawFrame[]) => {
    if (group === undefined) return;
    const { symbol, exchTsMs, localTsMs, bids, asks } = group;
    out.push(group.snapshot ? rows.snapshot(symbol, exchTsMs, localTsMs, bids, asks) : rows.diff(symbol, exchTsMs, localTsMs, bids, asks));
    group = undefined;
  };
  return {
    line(text, out) {
      const row = rows.split(text);
      if (row === undefined) return;
      const { cells, symbol } = row;
      const side = rows.cell(cells, "side");
      const snapshotText = rows.cell(cells, "is_snapshot");
      if ((side !== "bid" && side !== "ask") || (snapshotText !== "true" && snapshotText !== "false")) {
        rows.stats.malformedLines++;
        return;
      }
      const key = `${symbol},${cells[2]},${cells[3]},${snapshotText}`;
      if (group?.key !== key) {
        flush(out);
        group = { key, symbol, snapshot: snapshotText === "true", exchTsMs: row.exchTsMs, localTsMs: row.localTsMs, bids: [], asks: [] };
      }
      (side === "bid" ? group.bids : group.asks).push([rows.cell(cells, "price"), rows.cell(cells, "amount")]);
    },
    end: flush,
  };
}

function tradesParser(rows: TardisRows): LineParser {
  let sequence = 0;
  return {
    line(text, out) {
      const row = rows.split(text);
      if (row === undefined) return;
      const { cells, symbol, exchTsMs, localTsMs } = row;
      const idText = rows.cell(cells, "id");
      const id = /^\d{1,15}$/.test(idText) ? Number(idText) : ++sequence;
      const sell = rows.cell(cells, "side") === "sell";
      const data =
        `{"e":"trade","E":${exchTsMs},"T":${exchTsMs},"s":${JSON.stringify(symbol)},"t":${id},` +
        `"p":${quote(rows.cell(cells, "price"))},"q":${quote(rows.cell(cells, "amount"))},"X":"MARKET","m":${sell}}`;
      out.push({ localTsMs, text: `{"stream":${JSON.stringify(`${symbol.toLowerCase()}@trade`)},"data":${data}}` });
    },
    end() {},
  };
}

function bookSnapshotParser(rows: TardisRows, header: string): LineParser {
  let depth = 0;
  while (header.includes(`asks[${depth}].price`)) depth++;
  return {
    line(text, out) {
      const row = rows.split(text);
      if (row === undefined) return;
      const bids: Level[] = [];
      const asks: Level[] = [];
      for (let i = 0; i < depth; i++) {
        pushLevel(bids, rows.cell(row.cells, `bids[${i}].price`), rows.cell(row.cells, `bids[${i}].amount`));
        pushLevel(asks, rows.cell(row.cells, `asks[${i}].price`), rows.cell(row.cells, `asks[${i}].amount`));
      }
      out.push(rows.snapshot(row.symbol, row.exchTsMs, row.localTsMs, bids, asks));
    },
    end() {},
  };
}

function quotesParser(rows: TardisRows): LineParser {
  return {
    line(text, out) {
      const row = rows.split(text);
      if (row === undefined) return;
      const bids: Level[] = [];
      const asks: Level[] = [];
      pushLevel(bids, rows.cell(row.cells, "bid_price"), rows.cell(row.cells, "bid_amount"));
      pushLevel(asks, rows.cell(row.cells, "ask_price"), rows.cell(row.cells, "ask_amount"));
      out.push(rows.snapshot(row.symbol, row.exchTsMs, row.localTsMs, bids, asks));
    },
    end() {},
  };
}

/** Levels missing from a row (fewer than N levels on a side) are empty cells: skipped. */
function pushLevel(levels: Level[], price: string, amount: string): void {
  if (price.length > 0 && amount.length > 0) levels.push([price, amount]);
}

function levelsJson(levels: readonly Level[]): string {
  let json = "[";
  for (let i = 0; i < levels.length; i++) json += `${i > 0 ? "," : ""}[${quote(levels[i]![0])},${quote(levels[i]![1])}]`;
  return `${json}]`;
}

const PLAIN_NUMBER = /^[0-9.eE+-]*$/;

/** A JSON string of the CSV text as written; plain numbers skip JSON.stringify's escaping. */
function quote(text: string): string {
  return PLAIN_NUMBER.test(text) ? `"${text}"` : JSON.stringify(text);
}
