/**
 * The inference core, with no actor or HTTP in it: a rolling window of the
 * last `windowEvents` book rows per symbol (one row per applied book
 * update), and batched model runs over the symbols that are due.
 *
 * Cadence (never per level, never per event by default): a symbol is due
 * when its window is full, at least `everyEvents` rows arrived since its
 * last prediction, and at least `minIntervalMs` of its local receive time
 * passed. Each `onEvents` call (one feed batch) ends with one `tick`: every
 * due symbol (at most `maxBatch`, longest-waiting first) goes into one
 * model run. Runs never overlap: a tick that finds a run in flight is
 * skipped and counted (`coalesced`); the due symbols simply wait for the
 * next tick, with their newest window.
 *
 * The feed is never awaited: `predict` is asynchronous. In the server the
 * model runs on its own worker thread (worker-model.ts), so the feed's
 * thread pays only for building the batch; onnxruntime-node's run itself is
 * synchronous, and in place (DeepLobModel) it would hold this thread for
 * its duration (about 1.4 ms per window here: BENCHMARKS.md).
 *
 * Rows that are not the market are skipped and counted: stale books
 * (resyncing), a missing side, a crossed or locked top, non-finite values.
 * This is the trainer's rule (models/datasets/exported.py), so the server
 * sees the windows the model was trained on.
 */
import type { BookUpdate, MarketEvent, PredictionFact } from "../../src/switchboard.ts";
import type { ModelMetadata } from "./model-metadata.ts";
import { RowWindow, writeBookRow } from "./window.ts";

/** What the predictor needs of a model (DeepLobModel). */
export interface Classifier {
  readonly meta: ModelMetadata;
  readonly name: string;
  readonly inputSize: number;
  predict(input: Float32Array, batch: number): Promise<Float32Array>;
}

export interface PredictorOptions {
  /** New rows a symbol needs between two predictions (default 10). */
  readonly everyEvents: number;
  /** Local milliseconds between two predictions of a symbol (default 100). */
  readonly minIntervalMs: number;
  /** Windows per model run at most (default 64). */
  readonly maxBatch: number;
}

export const DEFAULT_PREDICTOR_OPTIONS: PredictorOptions = { everyEvents: 10, minIntervalMs: 100, maxBatch: 64 };

export interface PredictorCounters {
  bookUpdates: number;
  rows: number;
  skippedRows: number;
  runs: number;
  windows: number;
  /** Ticks that found symbols due while a run was still in flight. */
  coalesced: number;
  errors: number;
  /** Wall time of the runs, ns (from the call to the result). */
  runNs: number;
}

interface SymbolState {
  readonly symbol: string;
  readonly window: RowWindow;
  sinceRun: number;
  lastRunLocalMs: number;
  lastExchTsMs: number;
  lastLocalTsMs: number;
}

export class Predictor {
  readonly options: PredictorOptions;
  readonly counters: PredictorCounters = { bookUpdates: 0, rows: 0, skippedRows: 0, runs: 0, windows: 0, coalesced: 0, errors: 0, runNs: 0 };
  lastError: string | null = null;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly input: Float32Array;
  private inFlight: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly model: Classifier,
    private readonly onPredictions: (facts: PredictionFact[]) => void,
    options: Partial<PredictorOptions> = {},
  ) {
    this.options = { ...DEFAULT_PREDICTOR_OPTIONS, ...options };
    const { everyEvents, minIntervalMs, maxBatch } = this.options;
    if (!(Number.isInteger(everyEvents) && everyEvents >= 1)) throw new RangeError(`everyEvents must be an integer >= 1: everyEvents=${everyEvents}`);
    if (!(Number.isFinite(minIntervalMs) && minIntervalMs >= 0)) throw new RangeError(`minIntervalMs must be >= 0: minIntervalMs=${minIntervalMs}`);
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new RangeError(`maxBatch must be an integer >= 1: maxBatch=${maxBatch}`);
    this.input = new Float32Array(maxBatch * model.inputSize);
  }

  /** Ingests one batch's book updates (trades are ignored), then runs the due symbols. */
  onEvents(events: readonly MarketEvent[]): void {
    for (const event of events) if (event.kind === "book") this.onBook(event);
    this.tick();
  }

  onBook(update: BookUpdate): void {
    this.counters.bookUpdates++;
    const state = this.state(update.symbol);
    const { rows, offset } = state.window.slot();
    if (update.stale || !writeBookRow(update.topBidPrice, update.topBidQty, update.topAskPrice, update.topAskQty, this.model.meta.levels, rows, offset) || !marketRow(rows, offset, state.window.width)) {
      this.counters.skippedRows++;
      return;
    }
    state.window.commit();
    state.sinceRun++;
    state.lastExchTsMs = update.exchTsMs;
    state.lastLocalTsMs = update.localTsMs;
    this.counters.rows++;
  }

  /** Runs the due symbols in one batch unless a run is in flight. Returns the batch size started. */
  tick(): number {
    if (this.closed) return 0;
    const due = this.dueSymbols();
    if (due.length === 0) return 0;
    if (this.inFlight) {
      this.counters.coalesced++;
      return 0;
    }
    const meta = this.model.meta;
    const size = this.model.inputSize;
    due.forEach((state, i) => {
      state.window.writeInput(meta, this.input, i * size);
      state.sinceRun = 0;
      state.lastRunLocalMs = state.lastLocalTsMs;
    });
    const stamps = due.map((s) => ({ symbol: s.symbol, exchTsMs: s.lastExchTsMs, localTsMs: s.lastLocalTsMs }));
    const startedNs = Bun.nanoseconds();
    this.counters.runs++;
    this.inFlight = this.model
      .predict(this.input, due.length)
      .then((probabilities) => {
        this.counters.runNs += Bun.nanoseconds() - startedNs;
        this.counters.windows += stamps.length;
        if (this.closed) return;
        const model = this.model.name;
        const horizon = meta.horizon.k;
        this.onPredictions(
          stamps.map((s, i) => ({ kind: "prediction", ...s, up: probabilities[i * 3]!, stationary: probabilities[i * 3 + 1]!, down: probabilities[i * 3 + 2]!, horizon, model })),
        );
      })
      .catch((error: unknown) => {
        this.counters.errors++;
        this.lastError = String((error as Error)?.message ?? error);
      })
      .finally(() => {
        this.inFlight = null;
      });
    return due.length;
  }

  /** Resolves once no run is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Forgets every window (a replay rewound). */
  reset(): void {
    this.symbols.clear();
  }

  /** No more runs or callbacks (the actor stopped). */
  close(): void {
    this.closed = true;
  }

  /** Rows in a symbol's window (0 for an unknown symbol). */
  windowSize(symbol: string): number {
    return this.symbols.get(symbol)?.window.size ?? 0;
  }

  private dueSymbols(): SymbolState[] {
    const { everyEvents, minIntervalMs, maxBatch } = this.options;
    const due: SymbolState[] = [];
    for (const state of this.symbols.values()) {
      if (state.window.full && state.sinceRun >= everyEvents && state.lastLocalTsMs - state.lastRunLocalMs >= minIntervalMs) due.push(state);
    }
    if (due.length > maxBatch) {
      due.sort((a, b) => a.lastRunLocalMs - b.lastRunLocalMs);
      due.length = maxBatch;
    }
    return due;
  }

  private state(symbol: string): SymbolState {
    let state = this.symbols.get(symbol);
    if (!state) {
      state = { symbol, window: new RowWindow(this.model.meta.windowEvents, this.model.meta.levels), sinceRun: 0, lastRunLocalMs: -Infinity, lastExchTsMs: 0, lastLocalTsMs: 0 };
      this.symbols.set(symbol, state);
    }
    return state;
  }
}

/** The trainer's row filter: finite numbers, a positive bid, ask above bid. */
export function marketRow(rows: Float64Array, offset: number, width: number): boolean {
  for (let i = offset; i < offset + width; i++) if (!Number.isFinite(rows[i]!)) return false;
  return rows[offset]! > rows[offset + 2]! && rows[offset + 2]! > 0;
}
