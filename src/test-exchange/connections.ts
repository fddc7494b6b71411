/**
 * The test exchange's websocket connections: which path each came in on,
 * which channels it gets, Binance's live SUBSCRIBE protocol, and the
 * housekeeping Binance does (a ping every few minutes, a close for a missing
 * pong, a close at the 24 h connection age).
 */
import type { ServerWebSocket } from "bun";
import { channelOf, GROUP_OF_KIND, type StreamGroup } from "./timeline.ts";

/** `/public/stream`, `/market/stream`, or a legacy path (`/stream`, `/ws/...`) that is accepted and stays silent. */
export type ConnectionPath = StreamGroup | "legacy";

export interface Connection {
  readonly id: number;
  readonly path: ConnectionPath;
  readonly streams: Set<string>;
  readonly channels: Set<string>;
  readonly openedAtMs: number;
  framesSent: number;
  pingsSent: number;
  pongs: number;
  lastPingMs: number;
  /** Time of the oldest ping not yet answered, 0 when none. */
  awaitingPongSinceMs: number;
  stallUntilMs: number;
  closeAfterFrames: number;
}

export type Socket = ServerWebSocket<Connection>;

export interface ConnectionInfo {
  readonly id: number;
  readonly path: ConnectionPath;
  readonly streams: readonly string[];
  readonly framesSent: number;
  readonly pingsSent: number;
  readonly pongs: number;
  readonly ageMs: number;
}

export interface ConnectionCounters {
  connectionsOpened: number;
  connectionsClosed: number;
  pingsSent: number;
  pongs: number;
  pongTimeouts: number;
  ageCloses: number;
}

export interface HousekeepingOptions {
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly maxConnectionAgeMs: number;
}

/** Which websocket path a URL path is, or undefined for none. */
export function wsPath(pathname: string): ConnectionPath | undefined {
  if (pathname === "/public/stream") return "public";
  if (pathname === "/market/stream") return "market";
  if (pathname === "/stream" || pathname === "/ws" || pathname.startsWith("/ws/")) return "legacy";
  return undefined;
}

export class Connections {
  readonly sockets = new Set<Socket>();
  private readonly subscribers = new Map<string, Set<Socket>>();
  private nextId = 1;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly counters: ConnectionCounters,
    private readonly options: HousekeepingOptions,
    /** Called when a connection subscribes to at least one served channel. */
    private readonly subscribed: () => void,
  ) {
    const { pingIntervalMs, pongTimeoutMs, maxConnectionAgeMs } = options;
    this.timer = setInterval(() => this.tick(), Math.max(5, Math.min(1000, pingIntervalMs / 4, pongTimeoutMs / 4, maxConnectionAgeMs / 8)));
  }

  stop(): void {
    clearInterval(this.timer);
    for (const ws of this.sockets) ws.terminate();
  }

  create(path: ConnectionPath, streams: readonly string[]): Connection {
    const nowMs = performance.now();
    return {
      id: this.nextId++,
      path,
      streams: new Set(streams),
      channels: new Set(),
      openedAtMs: nowMs,
      framesSent: 0,
      pingsSent: 0,
      pongs: 0,
      lastPingMs: nowMs,
      awaitingPongSinceMs: 0,
      stallUntilMs: 0,
      closeAfterFrames: Number.POSITIVE_INFINITY,
    };
  }

  subscribersOf(channel: string): Set<Socket> | undefined {
    return this.subscribers.get(channel);
  }

  of(group: StreamGroup | undefined): Socket[] {
    return [...this.sockets].filter((ws) => group === undefined || ws.data.path === group);
  }

  info(): ConnectionInfo[] {
    const nowMs = performance.now();
    return [...this.sockets].map(({ data }) => ({
      id: data.id,
      path: data.path,
      streams: [...data.streams],
      framesSent: data.framesSent,
      pingsSent: data.pingsSent,
      pongs: data.pongs,
      ageMs: nowMs - data.openedAtMs,
    }));
  }

  opened(ws: Socket): void {
    this.sockets.add(ws);
    this.counters.connectionsOpened++;
    this.subscribe(ws, [...ws.data.streams]);
  }

  /** Forgets a connection (closed, or cut by the exchange); safe to call twice. */
  closed(ws: Socket): void {
    if (!this.sockets.delete(ws)) return;
    this.counters.connectionsClosed++;
    for (const channel of ws.data.channels) this.subscribers.get(channel)?.delete(ws);
  }

  ponged(ws: Socket): void {
    ws.data.pongs++;
    ws.data.awaitingPongSinceMs = 0;
    this.counters.pongs++;
  }

  /** Binance's live subscription protocol: {"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS","params":[...],"id":n}. */
  message(ws: Socket, message: string | Buffer): void {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(String(message));
    } catch {
      ws.send(JSON.stringify({ error: { code: 3, msg: "Invalid JSON" }, id: null }));
      return;
    }
    const id = request.id ?? null;
    const params = Array.isArray(request.params) ? request.params.filter((p): p is string => typeof p === "string") : [];
    if (request.method === "SUBSCRIBE") {
      this.subscribe(ws, params);
      ws.send(JSON.stringify({ result: null, id }));
    } else if (request.method === "UNSUBSCRIBE") {
      for (const stream of params) {
        ws.data.streams.delete(stream);
        const named = channelOf(stream);
        if (named) {
          ws.data.channels.delete(named.channel);
          this.subscribers.get(named.channel)?.delete(ws);
        }
      }
      ws.send(JSON.stringify({ result: null, id }));
    } else if (request.method === "LIST_SUBSCRIPTIONS") {
      ws.send(JSON.stringify({ result: [...ws.data.streams], id }));
    } else ws.send(JSON.stringify({ error: { code: 2, msg: "Invalid request: unknown method" }, id }));
  }

  /** Subscribes `ws` to the channels its path serves; other names are accepted and stay silent, as on Binance. */
  private subscribe(ws: Socket, streams: readonly string[]): void {
    let any = false;
    for (const stream of streams) {
      ws.data.streams.add(stream);
      const named = channelOf(stream);
      if (!named || ws.data.path === "legacy" || GROUP_OF_KIND[named.kind] !== ws.data.path) continue;
      ws.data.channels.add(named.channel);
      let set = this.subscribers.get(named.channel);
      if (!set) this.subscribers.set(named.channel, (set = new Set()));
      set.add(ws);
      any = true;
    }
    if (any) this.subscribed();
  }

  private tick(): void {
    const nowMs = performance.now();
    const { pingIntervalMs, pongTimeoutMs, maxConnectionAgeMs } = this.options;
    for (const ws of [...this.sockets]) {
      const data = ws.data;
      if (nowMs - data.openedAtMs >= maxConnectionAgeMs) {
        this.counters.ageCloses++;
        ws.close(1001, "connection lifetime exceeded");
      } else if (data.awaitingPongSinceMs > 0 && nowMs - data.awaitingPongSinceMs >= pongTimeoutMs) {
        this.counters.pongTimeouts++;
        ws.close(1008, "pong timeout");
      } else if (nowMs - data.lastPingMs >= pingIntervalMs) {
        data.lastPingMs = nowMs;
        data.pingsSent++;
        this.counters.pingsSent++;
        if (data.awaitingPongSinceMs === 0) data.awaitingPongSinceMs = nowMs;
        ws.ping();
      }
    }
  }
}
