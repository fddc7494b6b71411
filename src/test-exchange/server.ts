/**
 * A loopback-only Binance USDT-M futures exchange for tests: it replays a
 * real recording over Binance's websocket protocol (combined streams, split
 * into `/public` and `/market` paths; the legacy `/stream` and `/ws` paths
 * accept the handshake and send nothing), serves REST depth snapshots of its
 * own book, sends pings and counts pongs, and injects faults on request.
 *
 * Tests compare a client's book with `market.topAt(symbol, u)` and
 * `market.checkpointAt(symbol, u)`. Control: method calls, or
 * `POST /__control` with a JSON `Fault` or `{ "action": "start" | "pause" }`,
 * and `GET /__stats`.
 */
import type { Server } from "bun";
import { readRecording } from "../../actors/feed/recordings/read.ts";
import type { SymbolSpec } from "../switchboard.ts";
import { DiffFaults, type Fault, type FaultCounters, newFaultCounters, RestFaults } from "./faults.ts";
import { MarketState } from "./market-state.ts";
import { Replayer, type ReplaySpeed } from "./replayer.ts";
import { handleRest, newRestStats, type RestStats } from "./rest-api.ts";
import { type WeightLimitOptions, WeightLimiter, type WeightStats } from "./rest-limits.ts";
import { type Connection, type ConnectionInfo, Connections, wsPath } from "./connections.ts";
import { buildTimeline, type ReplayEvent, type StreamGroup, type Timeline } from "./timeline.ts";

export type { ConnectionInfo, ConnectionPath } from "./connections.ts";

export interface TestExchangeOptions {
  /** Recording files (any format `readRecording` knows), or a timeline built once and shared by several exchanges. */
  readonly input?: readonly string[];
  readonly timeline?: Timeline;
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly speed?: ReplaySpeed;
  readonly loop?: boolean;
  /** Start the replay at the first websocket subscription (default), or only on `startReplay()`. */
  readonly autoStart?: boolean;
  readonly seed?: number;
  /** Binance: a ping every 3 minutes, and a connection without a pong for 10 minutes is closed. */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** Binance closes every connection after 24 hours. */
  readonly maxConnectionAgeMs?: number;
  readonly weights?: WeightLimitOptions;
  readonly specs?: Readonly<Record<string, SymbolSpec>>;
  readonly topLevels?: number;
  readonly checkpointEvery?: number;
  /** Faults injected when the replay has published `afterEvents` events (deterministic placement). */
  readonly faults?: readonly { readonly afterEvents: number; readonly fault: Fault }[];
  readonly log?: (line: string) => void;
}

export interface ExchangeStats {
  eventsPublished: number;
  diffsPublished: number;
  framesSent: number;
  /** Frames Bun refused to queue (backpressure limit): must stay 0. */
  framesDroppedBySocket: number;
  framesLostToStalls: number;
  connectionsOpened: number;
  connectionsClosed: number;
  pingsSent: number;
  pongs: number;
  pongTimeouts: number;
  ageCloses: number;
  loops: number;
  faults: FaultCounters;
  rest: RestStats;
  weights: WeightStats;
}

const HOST = "127.0.0.1";
const BACKPRESSURE_PAUSE_BYTES = 1 << 20;
const DAY_MS = 24 * 3600_000;

export class TestExchange {
  readonly market: MarketState;
  readonly timeline: Timeline;
  private readonly server: Server<Connection>;
  private readonly replayer: Replayer;
  private readonly sockets: Connections;
  private readonly diffFaults: DiffFaults;
  private readonly restFaults = new RestFaults();
  private readonly limiter: WeightLimiter;
  private readonly scheduled: { afterEvents: number; fault: Fault }[];
  private readonly finishedPromise: Promise<void>;
  private resolveFinished!: () => void;
  readonly stats: ExchangeStats;

  static async start(options: TestExchangeOptions): Promise<TestExchange> {
    const timeline = options.timeline ?? (await loadTimeline(options.input ?? []));
    return new TestExchange(timeline, options);
  }

  private constructor(
    timeline: Timeline,
    private readonly options: TestExchangeOptions,
  ) {
    this.timeline = timeline;
    this.market = new MarketState(timeline, options);
    this.limiter = new WeightLimiter(options.weights);
    const faults = newFaultCounters();
    this.diffFaults = new DiffFaults(options.seed ?? 1, faults);
    this.scheduled = [...(options.faults ?? [])].sort((a, b) => a.afterEvents - b.afterEvents);
    this.stats = {
      eventsPublished: 0,
      diffsPublished: 0,
      framesSent: 0,
      framesDroppedBySocket: 0,
      framesLostToStalls: 0,
      connectionsOpened: 0,
      connectionsClosed: 0,
      pingsSent: 0,
      pongs: 0,
      pongTimeouts: 0,
      ageCloses: 0,
      loops: 0,
      faults,
      rest: newRestStats(),
      weights: this.limiter.stats,
    };
    this.finishedPromise = new Promise((resolve) => (this.resolveFinished = resolve));
    this.replayer = new Replayer(timeline, options.speed ?? 1, options.loop ?? false, {
      publish: (event) => this.publish(event),
      looped: (loop) => {
        this.stats.loops = loop;
        this.market.resetBooks(loop);
      },
      finished: () => this.resolveFinished(),
      backpressured: () => [...this.sockets.sockets].some((ws) => ws.getBufferedAmount() > BACKPRESSURE_PAUSE_BYTES),
    });
    this.sockets = new Connections(
      this.stats,
      {
        pingIntervalMs: options.pingIntervalMs ?? 180_000,
        pongTimeoutMs: options.pongTimeoutMs ?? 600_000,
        maxConnectionAgeMs: options.maxConnectionAgeMs ?? DAY_MS,
      },
      () => {
        if (options.autoStart !== false && this.replayer.state === "idle") this.replayer.start();
      },
    );
    this.server = Bun.serve<Connection>({
      hostname: HOST,
      port: options.port ?? 0,
      fetch: (request, server) => this.fetch(request, server),
      websocket: {
        // Pings and idle handling are ours, to behave like Binance rather than like Bun's defaults.
        idleTimeout: 0,
        sendPings: false,
        perMessageDeflate: false,
        backpressureLimit: 256 * 1024 * 1024,
        open: (ws) => this.sockets.opened(ws),
        message: (ws, message) => this.sockets.message(ws, message),
        pong: (ws) => this.sockets.ponged(ws),
        close: (ws) => this.sockets.closed(ws),
      },
    });
  }

  get port(): number {
    return this.server.port!;
  }

  get wsBase(): string {
    return `ws://${HOST}:${this.port}`;
  }

  get restBase(): string {
    return `http://${HOST}:${this.port}`;
  }

  get replayState(): Replayer["state"] {
    return this.replayer.state;
  }

  /** Resolves when a non-looping replay has published its last event. */
  whenFinished(): Promise<void> {
    return this.finishedPromise;
  }

  startReplay(): void {
    this.replayer.start();
  }

  pauseReplay(): void {
    this.replayer.pause();
  }

  setSpeed(speed: ReplaySpeed): void {
    this.replayer.setSpeed(speed);
  }

  inject(fault: Fault): void {
    this.options.log?.(`fault ${JSON.stringify(fault)}`);
    switch (fault.kind) {
      case "dropDiffs":
      case "duplicateDiffs":
      case "reorderDiffs":
      case "malformed":
        this.diffFaults.add(fault);
        return;
      case "restError":
      case "delaySnapshot":
        this.restFaults.add(fault);
        return;
      case "disconnect":
        for (const ws of this.sockets.of(fault.group)) ws.data.closeAfterFrames = ws.data.framesSent + Math.max(0, fault.afterFrames);
        return;
      case "stall":
        this.stats.faults.stalls++;
        for (const ws of this.sockets.of(fault.group)) ws.data.stallUntilMs = performance.now() + fault.ms;
        return;
      case "forceClose":
        for (const ws of this.sockets.of(fault.group)) {
          this.stats.faults.forcedCloses++;
          ws.close(1001, "connection lifetime exceeded");
        }
        return;
    }
  }

  connections(): ConnectionInfo[] {
    return this.sockets.info();
  }

  async stop(): Promise<void> {
    this.replayer.stop();
    this.sockets.stop();
    await this.server.stop(true);
  }

  private async fetch(request: Request, server: Server<Connection>): Promise<Response | undefined> {
    const url = new URL(request.url);
    const path = wsPath(url.pathname);
    if (path) {
      const streams = path === "legacy" ? [] : (url.searchParams.get("streams") ?? "").split("/").filter(Boolean);
      const data = this.sockets.create(path, streams);
      if (server.upgrade(request, { data })) return undefined;
      return new Response("websocket upgrade expected", { status: 426 });
    }
    if (url.pathname === "/__control" && request.method === "POST") return this.control(request);
    if (url.pathname === "/__stats") return Response.json({ stats: this.stats, connections: this.connections(), replay: this.replayer.state });
    const rest = await handleRest(request, url, {
      market: this.market,
      limiter: this.limiter,
      faults: this.restFaults,
      faultCounters: this.stats.faults,
      stats: this.stats.rest,
      nowMs: () => Date.now(),
    });
    return rest ?? new Response("not found", { status: 404 });
  }

  private async control(request: Request): Promise<Response> {
    let body: { action?: string; kind?: string };
    try {
      body = (await request.json()) as typeof body;
    } catch {
      return Response.json({ ok: false, error: "body must be JSON" }, { status: 400 });
    }
    if (body.action === "start") this.startReplay();
    else if (body.action === "pause") this.pauseReplay();
    else if (typeof body.kind === "string") this.inject(body as Fault);
    else return Response.json({ ok: false, error: "expected a fault {kind,...} or {action: start|pause}" }, { status: 400 });
    return Response.json({ ok: true });
  }

  private publish(event: ReplayEvent): void {
    this.stats.eventsPublished++;
    while (this.scheduled.length > 0 && this.scheduled[0]!.afterEvents < this.stats.eventsPublished) this.inject(this.scheduled.shift()!.fault);
    let texts = [event.text];
    if (event.diff) {
      this.stats.diffsPublished++;
      this.market.applyDiff(event.symbol, event.diff);
      texts = this.diffFaults.plan(event.symbol, event.text).texts;
    }
    const subscribers = this.sockets.subscribersOf(event.channel);
    if (!subscribers || texts.length === 0) return;
    const nowMs = performance.now();
    for (const ws of subscribers) {
      const data = ws.data;
      if (nowMs < data.stallUntilMs) {
        this.stats.framesLostToStalls += texts.length;
        continue;
      }
      for (const text of texts) {
        if (ws.send(text) === 0) this.stats.framesDroppedBySocket++;
        data.framesSent++;
        this.stats.framesSent++;
        if (data.framesSent >= data.closeAfterFrames) {
          this.stats.faults.disconnects++;
          this.sockets.closed(ws);
          ws.terminate();
          break;
        }
      }
    }
  }
}

export async function loadTimeline(paths: readonly string[]): Promise<Timeline> {
  if (paths.length === 0) throw new Error("test exchange: no recording files given");
  return buildTimeline(readRecording(paths));
}
