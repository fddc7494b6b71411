/**
 * Hub items -> table rows (sql/001_market_data.sql), pure.
 *
 * A row is an array of values in the table's column order (TABLES), kept as
 * the item gave them: times in (fractional) epoch milliseconds, prices and
 * quantities as numbers, top-of-book arrays as the BookUpdate's own
 * Float64Arrays (they are immutable and fresh per update, so no copy).
 * Encoding to SQL text happens later, on the writer's side (encode.ts).
 *
 * What is recorded:
 * - book_snapshots: sampled by exchange time. With `recordBookMs` = C > 0,
 *   the first update of each symbol in each aligned interval
 *   [k*C, (k+1)*C) is kept and the rest of that interval is skipped, so a
 *   symbol has at most one snapshot per interval and the snapshots sit on
 *   (or just after) the cadence grid. Exchange time going backwards (a
 *   replay rewound) simply starts a new interval. C = 0 keeps every update.
 * - trades, features and gaps: every item.
 * - gaps: `ts` is the local time of the phase (detection or recovery; the
 *   exchange does not time a recovery), `exch_ts` the exchange time of the
 *   diff that broke the chain.
 * - anomalies: `ts` is the alert's end (tsEnd, exchange time); `evidence`
 *   is the alert's evidence as JSON text (kind "jsonb"), so every write
 *   path and the spill file carry it as a string. Non-finite numbers in the
 *   evidence become null (JSON has none).
 * - features: `feature_set` is resolved by the writer from the names list
 *   (one id per distinct list); the row holds null there until then.
 */
import type { AnomalyFact, BookUpdate, FeatureRow, GapFact, HubItem, Trade } from "../../src/switchboard.ts";

/** `int` is bigint (int8), `int4` integer; `ts` timestamptz; `floats` double precision[]; `jsonb` JSON text. */
export type ColumnKind = "text" | "ts" | "int" | "int4" | "float" | "bool" | "floats" | "jsonb";

export interface TableSpec {
  readonly name: TableName;
  readonly columns: readonly string[];
  readonly kinds: readonly ColumnKind[];
}

export type TableName = "book_snapshots" | "trades" | "features" | "gaps" | "anomalies";

/** Table ids: the index into TABLES. */
export const BOOK = 0;
export const TRADES = 1;
export const FEATURES = 2;
export const GAPS = 3;
export const ANOMALIES = 4;
export type TableId = typeof BOOK | typeof TRADES | typeof FEATURES | typeof GAPS | typeof ANOMALIES;

function spec(name: TableName, columns: [string, ColumnKind][]): TableSpec {
  return { name, columns: columns.map((c) => c[0]), kinds: columns.map((c) => c[1]) };
}

export const TABLES: readonly TableSpec[] = [
  spec("book_snapshots", [
    ["symbol", "text"],
    ["ts", "ts"],
    ["local_ts", "ts"],
    ["u", "int"],
    ["stale", "bool"],
    ["bid_px", "floats"],
    ["bid_qty", "floats"],
    ["ask_px", "floats"],
    ["ask_qty", "floats"],
  ]),
  spec("trades", [
    ["symbol", "text"],
    ["ts", "ts"],
    ["local_ts", "ts"],
    ["trade_id", "int"],
    ["price", "float"],
    ["qty", "float"],
    ["side", "text"],
  ]),
  spec("features", [
    ["symbol", "text"],
    ["ts", "ts"],
    ["local_ts", "ts"],
    ["feature_set", "int4"],
    ["mid", "float"],
    ["spread", "float"],
    ["microprice", "float"],
    ["imbalance_l5", "float"],
    ["feature_values", "floats"],
  ]),
  spec("gaps", [
    ["symbol", "text"],
    ["ts", "ts"],
    ["phase", "text"],
    ["reason", "text"],
    ["expected_pu", "int"],
    ["got_pu", "int"],
    ["u", "int"],
    ["exch_ts", "ts"],
    ["recovered_u", "int"],
    ["stale_ms", "float"],
  ]),
  spec("anomalies", [
    ["symbol", "text"],
    ["ts", "ts"],
    ["id", "text"],
    ["type", "text"],
    ["side", "text"],
    ["score", "float"],
    ["ts_start", "ts"],
    ["ts_end", "ts"],
    ["evidence", "jsonb"],
    ["explanation", "text"],
  ]),
];

/** Column index of `feature_set` in the features table (filled by the writer). */
export const FEATURE_SET_COLUMN = 3;
/** Column index of `ts` (the partition key) in every table. */
export const TS_COLUMN = 1;

export type RowValue = string | number | boolean | null | Float64Array | readonly number[];
export type RowValues = RowValue[];

export const DEFAULT_RECORD_BOOK_MS = 100;

/** The headline feature columns, in the features table's order, picked from the row by name. */
export const HEADLINE_FEATURES = ["mid", "spread", "microprice", "imbalance_l5"] as const;

export interface RowBuilderOptions {
  /** Book snapshot cadence in exchange milliseconds; 0 records every book update. */
  readonly recordBookMs?: number;
  /** The feature row's column names (FEATURE_NAMES). */
  readonly featureNames: readonly string[];
}

export type RowSink = (table: TableId, values: RowValues) => void;

export class RowBuilder {
  readonly recordBookMs: number;
  /** Book updates not recorded because their interval already had a snapshot. */
  booksSkipped = 0;
  private readonly headlineIndex: readonly number[];
  /** Per symbol: the cadence interval of the last recorded snapshot. */
  private readonly lastInterval = new Map<string, number>();

  constructor(options: RowBuilderOptions) {
    const cadence = options.recordBookMs ?? DEFAULT_RECORD_BOOK_MS;
    if (!(Number.isFinite(cadence) && cadence >= 0)) throw new RangeError(`recordBookMs must be a finite number >= 0: recordBookMs=${cadence}`);
    this.recordBookMs = cadence;
    // A headline the feature list lacks is recorded as NULL rather than refused.
    this.headlineIndex = HEADLINE_FEATURES.map((name) => options.featureNames.indexOf(name));
  }

  /** Emits the rows for `items`, in item order. */
  build(items: readonly HubItem[], sink: RowSink): void {
    for (const item of items) {
      switch (item.kind) {
        case "book":
          if (this.wantBook(item)) sink(BOOK, bookRow(item));
          else this.booksSkipped++;
          break;
        case "trade":
          sink(TRADES, tradeRow(item));
          break;
        case "features":
          sink(FEATURES, this.featureRow(item));
          break;
        case "gap":
          sink(GAPS, gapRow(item));
          break;
        case "anomaly":
          sink(ANOMALIES, anomalyRow(item));
          break;
      }
    }
  }

  /** Forgets the sampling state (e.g. a replay rewound). */
  reset(): void {
    this.lastInterval.clear();
  }

  private wantBook(update: BookUpdate): boolean {
    if (this.recordBookMs === 0) return true;
    const interval = Math.floor(update.exchTsMs / this.recordBookMs);
    if (this.lastInterval.get(update.symbol) === interval) return false;
    this.lastInterval.set(update.symbol, interval);
    return true;
  }

  private featureRow(row: FeatureRow): RowValues {
    const values = row.values;
    const h = this.headlineIndex;
    return [
      row.symbol,
      row.exchTsMs,
      row.localTsMs,
      null,
      h[0]! >= 0 ? values[h[0]!]! : null,
      h[1]! >= 0 ? values[h[1]!]! : null,
      h[2]! >= 0 ? values[h[2]!]! : null,
      h[3]! >= 0 ? values[h[3]!]! : null,
      values,
    ];
  }
}

export function bookRow(b: BookUpdate): RowValues {
  return [b.symbol, b.exchTsMs, b.localTsMs, b.u, b.stale, b.topBidPrice, b.topBidQty, b.topAskPrice, b.topAskQty];
}

export function tradeRow(t: Trade): RowValues {
  return [t.symbol, t.exchTsMs, t.localTsMs, t.tradeId, t.price, t.qty, t.side];
}

export function gapRow(g: GapFact): RowValues {
  return [g.symbol, g.localTsMs, g.phase, g.reason, g.expectedPu, g.gotPu, g.u, g.exchTsMs, g.recoveredU, g.staleMs];
}

export function anomalyRow(a: AnomalyFact): RowValues {
  return [a.symbol, a.tsEnd, a.id, a.type, a.side, a.score, a.tsStart, a.tsEnd, JSON.stringify(a.evidence), a.explanation];
}
