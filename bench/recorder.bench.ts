/**
 * The recorder: sustained rows/s of trades + feature rows through the whole
 * recorder path (offer -> queue -> batch -> database), into the local
 * PostgreSQL server (binary COPY) and into the embedded engine (PGlite,
 * multi-row INSERT); the hub-side cost of `offer`; and the storage one busy
 * symbol needs per hour at the default 100 ms book cadence, for both
 * engines.
 *
 * The busy symbol's hour is the shared BTCUSDT session of 2024-07-18/19
 * (btcusdt_20240718.gz + btcusdt_20240719.gz: 9,022 depth diffs and 10,701
 * trades in 8 minutes), its exchange timestamps tiled to 3,600 s: one book
 * update (and one feature row) per depth diff, sampled by the recorder's
 * own RowBuilder at 100 ms, one row per trade. Top-20 books and the 58
 * feature values are fixed-width doubles, so their storage does not depend
 * on the values.
 */
import type { BenchResult } from "./run.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FEATURE_NAMES } from "../actors/analytics/engine.ts";
import { recordingPath } from "../actors/analytics/recorded-events.ts";
import { PgBatchWriter } from "../actors/recorder/pg-writer.ts";
import { RecorderCore } from "../actors/recorder/recorder-core.ts";
import { openTestDatabase, type EngineKind, type TestDatabase } from "../src/db/testing.ts";
import { TOP_LEVELS, type BookUpdate, type FeatureRow, type HubItem, type Trade } from "../src/switchboard.ts";

const T0_MS = Date.UTC(2026, 0, 5);
const HOUR_MS = 3_600_000;

function trade(i: number, tsMs: number): Trade {
  const price = 64_000 + Math.sin(i / 500) * 50;
  return { kind: "trade", symbol: "BTCUSDT", exchTsMs: tsMs, localTsMs: tsMs + 2.345, tradeId: 5_182_006_711 + i, priceTicks: Math.round(price * 10), price, qty: 0.001 * (1 + (i % 500)), side: i % 3 ? "buy" : "sell" };
}

function featureRow(i: number, tsMs: number): FeatureRow {
  const values = new Float64Array(FEATURE_NAMES.length);
  for (let k = 0; k < values.length; k++) values[k] = 64_000 * Math.sin(i * 0.001 + k) + k / 7;
  return { kind: "features", symbol: "BTCUSDT", exchTsMs: tsMs, localTsMs: tsMs + 2.5, values };
}

function book(i: number, tsMs: number): BookUpdate {
  const mid = 64_000 + Math.sin(i / 800) * 40;
  const levels = (side: number) => Float64Array.from({ length: TOP_LEVELS }, (_, k) => Math.round((mid + side * (0.05 + 0.1 * k)) * 10) / 10);
  const qty = () => Float64Array.from({ length: TOP_LEVELS }, (_, k) => Math.round(((i + k) % 97) * 13.7) / 1000);
  const empty = new Float64Array(0);
  return {
    kind: "book", symbol: "BTCUSDT", exchTsMs: tsMs, localTsMs: tsMs + 2.1, u: 4_984_034_747_463 + i, reset: false, stale: false,
    levelSide: new Uint8Array(0), levelPriceTicks: empty, levelQty: empty,
    topBidPrice: levels(-1), topBidQty: qty(), topAskPrice: levels(1), topAskQty: qty(),
  };
}

async function open(kind: EngineKind): Promise<{ db: TestDatabase; dataDir: string; done(): Promise<void> }> {
  const db = await openTestDatabase(kind);
  const dataDir = mkdtempSync(path.join(tmpdir(), "genesis-recorder-bench-"));
  return { db, dataDir, done: async () => { await db.close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

/** Feeds `items` in hub-sized batches, keeping the backlog under the memory bound (the bench measures the database, not the spill), and waits until all are written. */
async function record(kind: EngineKind, items: readonly HubItem[], recordBookMs = 100): Promise<{ seconds: number; rows: number; offerNsPerRow: number; db: TestDatabase; done(): Promise<void> }> {
  const env = await open(kind);
  const core = new RecorderCore(PgBatchWriter.forDatabase(env.db.db), { dataDir: env.dataDir, featureNames: FEATURE_NAMES, recordBookMs });
  core.start();
  let offerNs = 0;
  const startNs = Bun.nanoseconds();
  for (let i = 0; i < items.length; i += 500) {
    while (core.counters().total.buffered > 50_000) await Bun.sleep(1);
    const t = Bun.nanoseconds();
    core.offer(items.slice(i, i + 500));
    offerNs += Bun.nanoseconds() - t;
    await Promise.resolve();
  }
  await core.close(120_000);
  const seconds = (Bun.nanoseconds() - startNs) / 1e9;
  const counters = core.counters();
  if (counters.total.written !== counters.total.received || counters.total.spilled > 0) {
    throw new Error(`recorder bench (${kind}) did not write everything: ${JSON.stringify(counters.total)}, lastError=${counters.lastError}`);
  }
  return { seconds, rows: counters.total.written, offerNsPerRow: offerNs / counters.total.received, db: env.db, done: env.done };
}

/** Trades and feature rows alternating, one millisecond apart (one day, one partition per table). */
function tradesAndFeatures(rows: number): HubItem[] {
  const items: HubItem[] = [];
  for (let i = 0; i < rows / 2; i++) items.push(trade(i, T0_MS + i), featureRow(i, T0_MS + i));
  return items;
}

/** Exchange timestamps (ms) of the BTCUSDT session's depth diffs and trades, and its span. */
async function busySession(): Promise<{ depthTsMs: number[]; tradeTsMs: number[]; spanMs: number }> {
  const depthTsMs: number[] = [];
  const tradeTsMs: number[] = [];
  const pattern = /"e":"(depthUpdate|trade)","E":\d+,"T":(\d+)/;
  for (const file of ["btcusdt_20240718.gz", "btcusdt_20240719.gz"]) {
    const text = new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await Bun.file(recordingPath(file)).arrayBuffer())));
    for (const line of text.split("\n")) {
      const m = pattern.exec(line);
      if (m) (m[1] === "trade" ? tradeTsMs : depthTsMs).push(Number(m[2]));
    }
  }
  const all = [...depthTsMs, ...tradeTsMs];
  const spanMs = Math.max(...all) - Math.min(...all);
  return { depthTsMs, tradeTsMs, spanMs };
}

/** One hour of the busy symbol: the session's timestamps repeated back to back, each depth diff a book update plus a feature row. */
function busyHour(session: { depthTsMs: number[]; tradeTsMs: number[]; spanMs: number }): HubItem[] {
  const start = Math.min(session.depthTsMs[0]!, session.tradeTsMs[0]!);
  const events: [number, 0 | 1][] = [];
  for (let offset = 0; offset < HOUR_MS; offset += session.spanMs + 1) {
    for (const ts of session.depthTsMs) if (ts - start + offset < HOUR_MS) events.push([T0_MS + ts - start + offset, 0]);
    for (const ts of session.tradeTsMs) if (ts - start + offset < HOUR_MS) events.push([T0_MS + ts - start + offset, 1]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const items: HubItem[] = [];
  events.forEach(([ts, kind], i) => {
    if (kind === 0) items.push(book(i, ts), featureRow(i, ts));
    else items.push(trade(i, ts));
  });
  return items;
}

async function storageMb(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.db.sql<{ table: string; bytes: number }[]>`
    SELECT p.relname AS table, sum(pg_total_relation_size(i.inhrelid))::float8 AS bytes
    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname IN ('book_snapshots', 'trades', 'features', 'gaps') GROUP BY p.relname`;
  const out: Record<string, number> = {};
  for (const r of rows) out[r.table] = r.bytes / 1_048_576;
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

  for (const [kind, rows] of [["server", 400_000], ["embedded", 60_000]] as const) {
    const r = await record(kind, tradesAndFeatures(rows));
    await r.done();
    results.push({ bench: `recorder.${kind}.trades_features_rows_per_s`, value: Math.round(r.rows / r.seconds), unit: "rows/s" });
    if (kind === "server") results.push({ bench: "recorder.offer_ns_per_row", value: Math.round(r.offerNsPerRow), unit: "ns/row" });
  }

  const session = await busySession();
  const hour = busyHour(session);
  const perS = (n: number) => round(n / (session.spanMs / 1000));
  results.push(
    { bench: "recorder.busy_symbol.depth_updates_per_s", value: perS(session.depthTsMs.length), unit: "updates/s (BTCUSDT 2024-07-18/19)" },
    { bench: "recorder.busy_symbol.trades_per_s", value: perS(session.tradeTsMs.length), unit: "trades/s (BTCUSDT 2024-07-18/19)" },
  );
  for (const kind of ["server", "embedded"] as const) {
    const r = await record(kind, hour);
    const mb = await storageMb(r.db);
    const [snapshots] = await r.db.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM book_snapshots`;
    await r.done();
    if (kind === "server") results.push({ bench: "recorder.busy_symbol.book_snapshots_per_s", value: round(snapshots!.n / 3600, 2), unit: "snapshots/s at 100 ms" });
    const total = Object.values(mb).reduce((a, b) => a + b, 0);
    results.push({ bench: `recorder.${kind}.storage_mb_per_hour`, value: round(total), unit: `MB/h, one busy symbol (${r.rows} rows)` });
    for (const table of ["book_snapshots", "trades", "features"]) {
      results.push({ bench: `recorder.${kind}.storage_mb_per_hour.${table}`, value: round(mb[table] ?? 0), unit: "MB/h" });
    }
  }
  return results;
}
