/**
 * One pooled websocket connection to a fixed set of streams, kept alive:
 *
 * - reconnects after any close with jittered exponential back-off, reset
 *   once a new socket delivers its first frame;
 * - a watchdog replaces a socket that has been silent for
 *   `silenceTimeoutMs` (the exchange can stall a connection without closing
 *   it) or that does not open within `connectTimeoutMs`;
 * - rotation before the exchange's 24 h cut: after `rotateAfterMs` a
 *   replacement socket is opened and its frames are held back; once it has
 *   delivered a frame and `rotationOverlapMs` has passed, the old socket is
 *   closed and the held frames are delivered. The old socket covered
 *   everything up to its close and the new one everything since it
 *   subscribed, so nothing is lost; the overlap arrives twice (the book drops
 *   old diffs, TradeDedupe drops repeated trades).
 *
 * Pings: Bun's client answers them itself; they are counted, not treated as
 * data (a stalled stream may still be pinged).
 */
import type { WebSocket as BunWebSocket, WebSocketOptions } from "bun";
import { Backoff } from "./backoff.ts";

/** Bun's client (with `terminate()` and constructor options); the DOM typings in tsconfig hide both. */
const BunWebSocketClass = WebSocket as unknown as new (url: string, options: WebSocketOptions) => BunWebSocket;

export interface ConnectionOptions {
  readonly url: string;
  /** For logs: "public#1". */
  readonly label: string;
  readonly silenceTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly rotateAfterMs: number;
  readonly rotationOverlapMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectCapMs: number;
  readonly random: () => number;
}

export interface ConnectionListener {
  /** One websocket text frame, with its receive time (ms since the epoch, fractional). */
  frame(text: string, localTsMs: number): void;
  /** Something in `state` or `stats` changed that a status display should show. */
  changed(): void;
  log(line: string): void;
}

export type ConnectionState = "idle" | "connecting" | "open" | "waiting" | "stopped";

export interface ConnectionStats {
  opens: number;
  closes: number;
  reconnects: number;
  watchdogReconnects: number;
  rotations: number;
  rotationFailures: number;
  pings: number;
  frames: number;
  lastCloseCode: number;
  lastCloseReason: string;
}

interface Socket {
  readonly ws: BunWebSocket;
  readonly createdAtMs: number;
  openedAtMs: number;
  lastFrameMs: number;
  frames: number;
  /** Frames held back while this socket is a rotation candidate; null when delivering. */
  held: { text: string; localTsMs: number }[] | null;
  dead: boolean;
}

const nowMs = () => performance.timeOrigin + performance.now();
const decoder = new TextDecoder();

export class StreamConnection {
  state: ConnectionState = "idle";
  readonly stats: ConnectionStats = {
    opens: 0,
    closes: 0,
    reconnects: 0,
    watchdogReconnects: 0,
    rotations: 0,
    rotationFailures: 0,
    pings: 0,
    frames: 0,
    lastCloseCode: 0,
    lastCloseReason: "",
  };
  private primary: Socket | null = null;
  private candidate: Socket | null = null;
  private readonly backoff: Backoff;
  private readonly rotationBackoff: Backoff;
  private nextRotationTryMs = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private overlapTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly options: ConnectionOptions,
    private readonly listener: ConnectionListener,
  ) {
    this.backoff = new Backoff(options.reconnectBaseMs, options.reconnectCapMs, options.random);
    this.rotationBackoff = new Backoff(options.reconnectBaseMs, options.reconnectCapMs, options.random);
  }

  /** Age of the socket now delivering frames, ms; 0 when none is open. */
  get ageMs(): number {
    return this.primary && this.primary.openedAtMs > 0 ? nowMs() - this.primary.openedAtMs : 0;
  }

  start(): void {
    if (this.state !== "idle") return;
    const { silenceTimeoutMs, connectTimeoutMs, rotateAfterMs } = this.options;
    const tickMs = Math.max(10, Math.min(1000, silenceTimeoutMs / 4, connectTimeoutMs / 4, rotateAfterMs / 4));
    this.tickTimer = setInterval(() => this.tick(), tickMs);
    this.primary = this.open(false);
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopped";
    clearInterval(this.tickTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.overlapTimer);
    const sockets = [this.primary, this.candidate].filter((s): s is Socket => s !== null && !s.dead);
    this.primary = this.candidate = null;
    await Promise.all(sockets.map((socket) => closeQuietly(socket, 1000, "client stopping")));
    this.listener.changed();
  }

  private open(asCandidate: boolean): Socket {
    // No permessage-deflate: inflating every frame would add latency on the hot path.
    const ws = new BunWebSocketClass(this.options.url, { perMessageDeflate: false });
    ws.binaryType = "arraybuffer";
    const socket: Socket = { ws, createdAtMs: nowMs(), openedAtMs: 0, lastFrameMs: 0, frames: 0, held: asCandidate ? [] : null, dead: false };
    if (!asCandidate) this.state = "connecting";
    ws.onopen = () => {
      socket.openedAtMs = nowMs();
      this.stats.opens++;
      if (socket === this.primary) this.state = "open";
      this.listener.log(`${this.options.label}: open${asCandidate ? " (rotation candidate)" : ""}`);
      this.listener.changed();
    };
    ws.onmessage = (event: MessageEvent) => {
      const localTsMs = nowMs();
      const text = typeof event.data === "string" ? event.data : decoder.decode(event.data as ArrayBuffer);
      socket.lastFrameMs = localTsMs;
      if (socket.frames++ === 0 && socket === this.primary) this.backoff.reset();
      if (socket.held) {
        socket.held.push({ text, localTsMs });
        if (socket.held.length === 1) this.overlapTimer = setTimeout(() => this.promote(socket), this.options.rotationOverlapMs);
        return;
      }
      // Frames still arriving on a socket being replaced are covered by its successor.
      if (socket !== this.primary) return;
      this.stats.frames++;
      this.listener.frame(text, localTsMs);
    };
    ws.addEventListener("ping", () => this.stats.pings++);
    ws.onclose = (event: CloseEvent) => this.closed(socket, event.code, event.reason || "closed");
    return socket;
  }

  private closed(socket: Socket, code: number, reason: string): void {
    if (socket.dead) return;
    socket.dead = true;
    if (this.state === "stopped") return;
    this.stats.lastCloseCode = code;
    this.stats.lastCloseReason = reason;
    if (socket === this.candidate) {
      this.candidate = null;
      clearTimeout(this.overlapTimer);
      this.stats.rotationFailures++;
      this.nextRotationTryMs = nowMs() + this.rotationBackoff.nextDelayMs();
      this.listener.log(`${this.options.label}: rotation candidate closed (${code} ${reason}); the current socket stays`);
      this.listener.changed();
      return;
    }
    if (socket !== this.primary) return;
    this.stats.closes++;
    this.primary = null;
    if (this.candidate) {
      // The replacement is already subscribed: it takes over, holding nothing back.
      this.listener.log(`${this.options.label}: closed (${code} ${reason}) during rotation; the replacement takes over`);
      this.promote(this.candidate);
      return;
    }
    const delayMs = this.backoff.nextDelayMs();
    this.stats.reconnects++;
    this.state = "waiting";
    this.listener.log(`${this.options.label}: closed (${code} ${reason}); reconnecting in ${delayMs.toFixed(0)} ms (attempt ${this.backoff.attempts})`);
    this.listener.changed();
    this.reconnectTimer = setTimeout(() => {
      if (this.state === "stopped") return;
      this.primary = this.open(false);
      this.listener.changed();
    }, delayMs);
  }

  /** The candidate becomes the primary: the old socket is closed, then the held frames are delivered in order. */
  private promote(socket: Socket): void {
    if (socket !== this.candidate || this.state === "stopped") return;
    clearTimeout(this.overlapTimer);
    const old = this.primary;
    const held = socket.held ?? [];
    socket.held = null;
    this.candidate = null;
    this.primary = socket;
    this.state = socket.openedAtMs > 0 ? "open" : "connecting";
    this.stats.rotations++;
    this.rotationBackoff.reset();
    if (old) {
      old.dead = true;
      void closeQuietly(old, 1000, "rotated");
    }
    this.listener.log(`${this.options.label}: rotated; ${held.length} held frames delivered`);
    for (const frame of held) {
      this.stats.frames++;
      this.listener.frame(frame.text, frame.localTsMs);
    }
    this.listener.changed();
  }

  private tick(): void {
    if (this.state === "stopped") return;
    const now = nowMs();
    const { silenceTimeoutMs, connectTimeoutMs, rotateAfterMs } = this.options;
    const primary = this.primary;
    if (primary && !primary.dead) {
      if (primary.openedAtMs === 0 && now - primary.createdAtMs > connectTimeoutMs) {
        this.kill(primary, 4000, `not open after ${connectTimeoutMs} ms`);
      } else if (primary.openedAtMs > 0 && now - Math.max(primary.lastFrameMs, primary.openedAtMs) > silenceTimeoutMs) {
        this.stats.watchdogReconnects++;
        this.kill(primary, 4001, `silent for ${(now - Math.max(primary.lastFrameMs, primary.openedAtMs)).toFixed(0)} ms`);
      } else if (primary.openedAtMs > 0 && now - primary.openedAtMs >= rotateAfterMs && !this.candidate && now >= this.nextRotationTryMs) {
        this.listener.log(`${this.options.label}: rotating after ${((now - primary.openedAtMs) / 1000).toFixed(1)} s`);
        this.candidate = this.open(true);
      }
    }
    const candidate = this.candidate;
    if (candidate && !candidate.dead) {
      const waitedMs = now - (candidate.openedAtMs || candidate.createdAtMs);
      if (candidate.frames === 0 && waitedMs > (candidate.openedAtMs ? silenceTimeoutMs : connectTimeoutMs)) {
        this.kill(candidate, 4002, `rotation candidate ${candidate.openedAtMs ? "silent" : "not open"} after ${waitedMs.toFixed(0)} ms`);
      }
    }
  }

  /** Drops a socket now and handles it as closed (a stalled socket's close handshake may never finish). */
  private kill(socket: Socket, code: number, reason: string): void {
    this.listener.log(`${this.options.label}: ${reason}; replacing the socket`);
    socket.ws.onclose = null;
    socket.ws.onmessage = null;
    socket.ws.terminate();
    this.closed(socket, code, reason);
  }
}


/** Sends a close frame and waits (at most 1 s) for the socket to close; never throws. */
function closeQuietly(socket: Socket, code: number, reason: string): Promise<void> {
  const ws = socket.ws;
  ws.onmessage = null;
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.addEventListener("close", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(code, reason);
    } catch {
      ws.terminate();
    }
  });
}
