/**
 * Prometheus metrics (prom-client), all prefixed `genesis_`. Values are read
 * from the actors' own counters at scrape time, so the hot path pays nothing.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { GenesisSystem } from "./system.ts";

export interface Metrics {
  readonly registry: Registry;
  /** Prometheus text exposition. */
  metrics(): Promise<string>;
  observeSseLatencyMs(latencyMs: number): void;
}

export function createMetrics(system: GenesisSystem): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "genesis_" });

  const counterFrom = (name: string, help: string, labelNames: string[], read: () => [Record<string, string>, number][]) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });

  counterFrom("genesis_events_total", "Events processed per actor (feed: frames, book: frames, analytics: book updates, hub: items published).", ["actor"], () => {
    const c = system.counters();
    return [
      [{ actor: "feed" }, c.feedFrames],
      [{ actor: "book" }, c.book.frames],
      [{ actor: "analytics" }, c.analytics.bookUpdates + c.analytics.trades],
      [{ actor: "hub" }, c.hubPublished],
    ];
  });
  counterFrom("genesis_book_updates_total", "Depth frames applied to a local book.", [], () => [[{}, system.counters().book.bookUpdates]]);
  counterFrom("genesis_trades_total", "Trades decoded.", [], () => [[{}, system.counters().book.trades]]);
  counterFrom("genesis_malformed_frames_total", "Frames that could not be decoded; counted and skipped.", [], () => [[{}, system.counters().book.malformed]]);
  counterFrom("genesis_book_gaps_total", "Breaks in a symbol's update-id chain that forced a resync.", [], () => [[{}, system.counters().book.gaps]]);
  counterFrom("genesis_book_stale_seconds_total", "Time books spent stale (resyncing after a gap), summed over recovered gaps.", [], () => [[{}, system.counters().book.staleMs / 1000]]);
  counterFrom("genesis_ignored_frames_total", "Well-formed frames of streams the book does not use (aggTrade, bookTicker, markPrice...).", [], () => [[{}, system.counters().book.ignored]]);
  counterFrom("genesis_unknown_symbol_frames_total", "Frames for symbols this process does not serve.", [], () => [[{}, system.counters().book.unknownSymbol]]);
  counterFrom("genesis_feature_rows_total", "Feature rows computed.", [], () => [[{}, system.counters().analytics.featureRows]]);
  counterFrom("genesis_ffi_seconds_total", "Time spent inside native feature calls (bun:ffi), including the call.", [], () => [[{}, system.counters().ffiNs / 1e9]]);
  counterFrom("genesis_sse_dropped_clients_total", "SSE clients dropped because their bounded queue overflowed.", [], () => [[{}, system.fanout.droppedSubscribers]]);
  counterFrom("genesis_recorder_rows_total", "Recorder rows per table: received (after book sampling), written to the database, spilled to local files, retried after a failed write.", ["table", "kind"], () => {
    const counters = system.recorderCounters();
    if (!counters) return [];
    const out: [Record<string, string>, number][] = [];
    for (const [table, c] of Object.entries(counters.tables)) {
      for (const kind of ["received", "written", "spilled", "retried"] as const) out.push([{ table, kind }, c[kind]]);
    }
    return out;
  });
  counterFrom("genesis_inference_total", "DeepLOB: windows predicted, model runs (batches), ticks coalesced while a run was in flight, failed runs, book rows skipped (stale, one-sided, crossed).", ["kind"], () => {
    const c = system.inferenceCounters();
    if (!c) return [];
    return [
      [{ kind: "predicted" }, c.windows],
      [{ kind: "runs" }, c.runs],
      [{ kind: "coalesced" }, c.coalesced],
      [{ kind: "errors" }, c.errors],
      [{ kind: "rows_skipped" }, c.skippedRows],
    ];
  });
  counterFrom("genesis_inference_seconds_total", "DeepLOB: time from starting a model run to its result, summed.", [], () => [[{}, (system.inferenceCounters()?.runNs ?? 0) / 1e9]]);
  new Gauge({
    name: "genesis_recorder_buffered_rows",
    help: "Rows the recorder holds in memory, not yet in the database.",
    registers: [registry],
    collect() {
      this.set(system.recorderCounters()?.total.buffered ?? 0);
    },
  });
  new Gauge({
    name: "genesis_recorder_degraded",
    help: "1 while the recorder cannot write to the database (it buffers and spills meanwhile).",
    registers: [registry],
    collect() {
      this.set(system.recorderCounters()?.state === "degraded" ? 1 : 0);
    },
  });
  new Gauge({
    name: "genesis_sse_clients",
    help: "Connected SSE subscribers.",
    registers: [registry],
    collect() {
      this.set(system.fanout.subscriberCount);
    },
  });
  const sseLatency = new Histogram({
    name: "genesis_frame_to_sse_seconds",
    help: "From a frame's local receipt to its event being written to an SSE stream.",
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
    registers: [registry],
  });
  return {
    registry,
    metrics: () => registry.metrics(),
    observeSseLatencyMs: (latencyMs) => sseLatency.observe(latencyMs / 1000),
  };
}
