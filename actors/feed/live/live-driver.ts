/**
 * The live Binance USDT-M futures feed: pooled websocket connections
 * (`/public/stream` for depth + trade, `/market/stream` for aggTrade), each
 * kept alive by a StreamConnection (watchdog, back-off, rotation before the
 * 24 h cut), and a SnapshotFetcher for REST depth snapshots.
 *
 * Every websocket text frame goes to the sink at once as one RawFrame,
 * stamped on receipt; frames are never parsed or judged here beyond
 * dropping trades repeated by a rotation overlap. Each symbol's first
 * snapshot is fetched when its first depth diff arrives (the diffs are then
 * buffered by the book, as Binance's sync procedure asks); later snapshots
 * only when the book asks through `fetchSnapshot`.
 *
 * Pure TypeScript over Bun's WebSocket and fetch: no XState.
 */
import type { RawFrame } from "../../../src/switchboard.ts";
import { SnapshotFetcher, type SnapshotStats } from "./snapshot-fetcher.ts";
import { type ConnectionState, type ConnectionStats, StreamConnection } from "./stream-connection.ts";
import { DEFAULT_REST_BASE, DEFAULT_WS_BASE, type DepthSpeed, planConnections, type StreamGroup, streamUrl } from "./streams.ts";
import { type DedupeCounters, TradeDedupe } from "./trade-dedupe.ts";

export interface LiveDriverOptions {
  /** Upper-case Binance symbols (BTCUSDT). */
  readonly symbols: readonly string[];
  readonly wsBase?: string;
  readonly restBase?: string;
  readonly depthSpeed?: DepthSpeed;
  readonly trades?: boolean;
  readonly aggTrades?: boolean;
  readonly maxStreamsPerConnection?: number;
  /** A connection silent this long is replaced (default 10 s). */
  readonly silenceTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectBaseMs?: number;
  readonly reconnectCapMs?: number;
  /** Rotate each connection at this age, before Binance's 24 h cut (default 23 h 30 min). */
  readonly rotateAfterMs?: number;
  readonly rotationOverlapMs?: number;
  /** Fetch a symbol's first snapshot at the latest this long after its connection opens, even without a diff. */
  readonly firstSnapshotFallbackMs?: number;
  readonly snapshotLimit?: number;
  readonly weightBudget?: number;
  readonly weightWindowMs?: number;
  readonly restTimeoutMs?: number;
  readonly restRetryBaseMs?: number;
  readonly restRetryCapMs?: number;
  readonly maxConcurrentSnapshots?: number;
  /** Jitter source (tests pass a seeded one). */
  readonly random?: () => number;
}

export interface LiveSink {
  frames(frames: RawFrame[]): void;
  status?(status: LiveStatus): void;
  log?(line: string): void;
}

export interface ConnectionStatus {
  readonly label: string;
  readonly group: StreamGroup;
  readonly streams: number;
  readonly state: ConnectionState;
  readonly ageMs: number;
  readonly stats: Readonly<ConnectionStats>;
}

export interface LiveStatus {
  readonly tsMs: number;
  readonly connections: readonly ConnectionStatus[];
  readonly snapshotsInFlight: number;
  readonly snapshotsQueued: number;
  readonly usedWeight: number;
  /** Wall-clock ms (Date.now) before which no REST request is sent (Retry-After / weight window); 0 if none. */
  readonly restBlockedUntilMs: number;
}

export interface LiveDriverStats extends DedupeCounters {
  frames: number;
  framesDelivered: number;
  /** Frames whose consumer threw (logged; the feed goes on). */
  sinkErrors: number;
  opens: number;
  reconnects: number;
  watchdogReconnects: number;
  rotations: number;
  rotationFailures: number;
  pings: number;
  snapshots: Readonly<SnapshotStats>;
}

const DAY_MS = 24 * 3600_000;
const nowMs = () => performance.timeOrigin + performance.now();

export class LiveDriver {
  private readonly connections: { readonly group: StreamGroup; readonly streams: readonly string[]; readonly connection: StreamConnection }[] = [];
  private readonly fetcher: SnapshotFetcher;
  private readonly dedupe = new TradeDedupe();
  /** Symbols whose first snapshot has not been asked for yet. */
  private readonly awaitingFirstSnapshot: Set<string>;
  private readonly fallbackTimers: ReturnType<typeof setTimeout>[] = [];
  private framesReceived = 0;
  private framesDelivered = 0;
  private sinkErrors = 0;
  private started = false;
  private stopped = false;

  constructor(
    private readonly options: LiveDriverOptions,
    private readonly sink: LiveSink,
  ) {
    if (options.symbols.length === 0) throw new Error("live feed: no symbols");
    checkBase("wsBase", options.wsBase ?? DEFAULT_WS_BASE, ["ws:", "wss:"]);
    checkBase("restBase", options.restBase ?? DEFAULT_REST_BASE, ["http:", "https:"]);
    const symbols = options.symbols.map((s) => s.toUpperCase());
    this.awaitingFirstSnapshot = new Set(symbols);
    const random = options.random ?? Math.random;
    const log = (line: string) => this.sink.log?.(line);
    const changed = () => this.emitStatus();
    this.fetcher = new SnapshotFetcher(
      {
        restBase: options.restBase ?? DEFAULT_REST_BASE,
        limit: options.snapshotLimit,
        weightBudget: options.weightBudget,
        weightWindowMs: options.weightWindowMs,
        requestTimeoutMs: options.restTimeoutMs,
        retryBaseMs: options.restRetryBaseMs,
        retryCapMs: options.restRetryCapMs,
        maxConcurrent: options.maxConcurrentSnapshots,
        random,
      },
      { snapshot: (frame) => this.deliver(frame), changed, log },
    );
    const plans = planConnections(symbols, {
      depthSpeed: options.depthSpeed ?? "100ms",
      trades: options.trades,
      aggTrades: options.aggTrades,
      maxStreamsPerConnection: options.maxStreamsPerConnection,
    });
    const counts: Record<StreamGroup, number> = { public: 0, market: 0 };
    for (const plan of plans) {
      const label = `${plan.group}#${++counts[plan.group]}`;
      const connection = new StreamConnection(
        {
          url: streamUrl(options.wsBase ?? DEFAULT_WS_BASE, plan),
          label,
          silenceTimeoutMs: options.silenceTimeoutMs ?? 10_000,
          connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
          rotateAfterMs: options.rotateAfterMs ?? DAY_MS - 30 * 60_000,
          rotationOverlapMs: options.rotationOverlapMs ?? 1000,
          reconnectBaseMs: options.reconnectBaseMs ?? 250,
          reconnectCapMs: options.reconnectCapMs ?? 30_000,
          random,
        },
        { frame: this.onFrame, changed, log },
      );
      this.connections.push({ group: plan.group, streams: plan.streams, connection });
    }
  }

  /** Opens every connection; resolves once each has opened (or after the connect timeout: reconnecting goes on). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 10_000;
    for (const { connection } of this.connections) connection.start();
    const fallbackMs = this.options.firstSnapshotFallbackMs ?? 2000;
    this.fallbackTimers.push(
      setTimeout(() => {
        for (const symbol of [...this.awaitingFirstSnapshot]) this.firstSnapshot(symbol);
      }, fallbackMs),
    );
    const deadline = nowMs() + connectTimeoutMs;
    while (!this.stopped && nowMs() < deadline && this.connections.some(({ connection }) => connection.stats.opens === 0)) await Bun.sleep(5);
    this.emitStatus();
  }

  /** Asks for a REST snapshot of `symbol` (queued, merged with one pending, weight-aware); the body arrives through `sink.frames`. */
  fetchSnapshot(symbol: string): void {
    const upper = symbol.toUpperCase();
    this.awaitingFirstSnapshot.delete(upper);
    this.fetcher.request(upper);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.fallbackTimers) clearTimeout(timer);
    this.fetcher.stop();
    await Promise.all(this.connections.map(({ connection }) => connection.stop()));
  }

  get stats(): LiveDriverStats {
    const sum = (key: keyof ConnectionStats) => this.connections.reduce((total, { connection }) => total + (connection.stats[key] as number), 0);
    return {
      frames: this.framesReceived,
      framesDelivered: this.framesDelivered,
      sinkErrors: this.sinkErrors,
      ...this.dedupe.counters,
      opens: sum("opens"),
      reconnects: sum("reconnects"),
      watchdogReconnects: sum("watchdogReconnects"),
      rotations: sum("rotations"),
      rotationFailures: sum("rotationFailures"),
      pings: sum("pings"),
      snapshots: { ...this.fetcher.stats },
    };
  }

  status(): LiveStatus {
    return {
      tsMs: nowMs(),
      connections: this.connections.map(({ group, streams, connection }) => ({
        label: connection.options.label,
        group,
        streams: streams.length,
        state: connection.state,
        ageMs: connection.ageMs,
        stats: { ...connection.stats },
      })),
      snapshotsInFlight: this.fetcher.inFlightCount,
      snapshotsQueued: this.fetcher.queued,
      usedWeight: this.fetcher.stats.usedWeight,
      restBlockedUntilMs: this.fetcher.blockedUntil > Date.now() ? this.fetcher.blockedUntil : 0,
    };
  }

  /** The hot path: one frame in, one RawFrame out, nothing parsed but the stream name. */
  private readonly onFrame = (text: string, localTsMs: number): void => {
    this.framesReceived++;
    if (!this.dedupe.admit(text)) return;
    if (this.awaitingFirstSnapshot.size > 0 && this.dedupe.lastKind === "depth") {
      const stream = this.dedupe.lastStream!;
      this.firstSnapshot(stream.slice(0, stream.indexOf("@")).toUpperCase());
    }
    this.deliver({ localTsMs, text });
  };

  private firstSnapshot(symbol: string): void {
    if (this.awaitingFirstSnapshot.delete(symbol)) this.fetcher.request(symbol);
  }

  private deliver(frame: RawFrame): void {
    if (this.stopped) return;
    this.framesDelivered++;
    try {
      this.sink.frames([frame]);
    } catch (error) {
      // A throwing consumer is a bug downstream; it must not take the sockets down with it.
      this.sinkErrors++;
      if (this.sinkErrors <= 10 || this.sinkErrors % 1000 === 0) this.sink.log?.(`live feed: the frame consumer threw (${this.sinkErrors} so far): ${String(error)}`);
    }
  }

  private emitStatus(): void {
    if (this.sink.status && !this.stopped) this.sink.status(this.status());
  }
}

/** Config errors fail at construction, naming the value, rather than as a reconnect loop. */
function checkBase(name: string, value: string, protocols: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`live feed: ${name} is not a URL: ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`live feed: ${name} must start with ${protocols.join(" or ")}//, got ${JSON.stringify(value)}`);
}
