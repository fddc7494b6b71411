/**
 * Turns a recording into what the test exchange replays: websocket frames in
 * recorded order, each tagged with its channel (`btcusdt@depth`), the
 * connection path that serves it (public or market) and, for depth diffs,
 * the parsed ids and levels the exchange applies to its own book.
 *
 * Each symbol's book starts at its first recorded REST snapshot; diffs that
 * end before it (u < lastUpdateId) are not replayed, because the exchange
 * cannot know its book then. Symbols without a snapshot get no depth.
 * Frame texts stay exactly as recorded, except on later loops, whose ids and
 * times are shifted forward so that a looping replay never goes back in time.
 */
import type { RawFrame } from "../switchboard.ts";
import type { LevelText } from "./exchange-book.ts";

export type StreamGroup = "public" | "market";
export type ChannelKind = "depth" | "bookTicker" | "trade" | "aggTrade" | "markPrice" | "forceOrder";

/** Which path serves which stream kind, after Binance's 2026 split. */
export const GROUP_OF_KIND: Readonly<Record<ChannelKind, StreamGroup>> = {
  depth: "public",
  bookTicker: "public",
  trade: "public",
  aggTrade: "market",
  markPrice: "market",
  forceOrder: "market",
};

export interface DiffData {
  readonly U: number;
  readonly u: number;
  readonly pu: number;
  readonly E: number;
  readonly T: number;
  readonly b: readonly LevelText[];
  readonly a: readonly LevelText[];
}

export interface ReplayEvent {
  /** Recorded local receive time. */
  readonly tsMs: number;
  readonly channel: string;
  readonly group: StreamGroup;
  readonly symbol: string;
  readonly text: string;
  readonly diff?: DiffData;
}

export interface SnapshotData {
  readonly lastUpdateId: number;
  readonly E: number;
  readonly T: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

export interface TimelineStats {
  frames: number;
  events: number;
  diffs: number;
  /** Diffs ending before their symbol's snapshot, or of a symbol without one. */
  diffsBeforeSnapshot: number;
  /** Frames of streams the exchange does not serve (klines, unparseable lines...). */
  unservedFrames: number;
  /** Places where the recording's own pu chain breaks (the exchange replays them as they are). */
  recordedChainBreaks: number;
}

export interface Timeline {
  readonly events: readonly ReplayEvent[];
  readonly snapshots: ReadonlyMap<string, SnapshotData>;
  /** Upper-case symbols with a snapshot, sorted. */
  readonly symbols: readonly string[];
  readonly stats: TimelineStats;
  /** Id spans used to shift later loops: [depth/bookTicker u, trade t, aggTrade a]. */
  readonly idSpans: readonly [number, number, number];
  readonly tsSpanMs: number;
}

/** `btcusdt@depth@100ms` -> { channel: "btcusdt@depth", kind: "depth" }; undefined for streams not served. */
export function channelOf(stream: string): { channel: string; kind: ChannelKind; symbolLower: string } | undefined {
  const parts = stream.split("@");
  if (parts.length < 2 || parts.length > 3) return undefined;
  const symbolLower = parts[0]!.toLowerCase();
  const kindText = parts[1]!;
  const suffix = parts[2];
  let kind: ChannelKind | undefined;
  if (kindText === "depth") kind = suffix === undefined || /^(0|100|250|500)ms$/.test(suffix) ? "depth" : undefined;
  else if (kindText === "markPrice") kind = suffix === undefined || suffix === "1s" ? "markPrice" : undefined;
  else if (suffix !== undefined) kind = undefined;
  else if (kindText === "bookTicker" || kindText === "trade" || kindText === "aggTrade" || kindText === "forceOrder") kind = kindText;
  if (kind === undefined || !/^[a-z0-9]+$/.test(symbolLower)) return undefined;
  return { channel: `${symbolLower}@${kind}`, kind, symbolLower };
}

export async function buildTimeline(batches: AsyncIterable<RawFrame[]>): Promise<Timeline> {
  const stats: TimelineStats = { frames: 0, events: 0, diffs: 0, diffsBeforeSnapshot: 0, unservedFrames: 0, recordedChainBreaks: 0 };
  const snapshots = new Map<string, SnapshotData>();
  const pending: ReplayEvent[] = [];
  for await (const batch of batches) {
    for (const frame of batch) {
      stats.frames++;
      const event = classify(frame, snapshots);
      if (event) pending.push(event);
      else stats.unservedFrames++;
    }
  }
  // Snapshots may be recorded after the first diffs that follow them, so filter once everything is read.
  const events: ReplayEvent[] = [];
  const lastU = new Map<string, number>();
  const spans = { u: new MinMax(), t: new MinMax(), a: new MinMax() };
  for (const event of pending) {
    if (event.diff) {
      const snapshot = snapshots.get(event.symbol);
      if (!snapshot || event.diff.u < snapshot.lastUpdateId) {
        stats.diffsBeforeSnapshot++;
        continue;
      }
      const previous = lastU.get(event.symbol);
      const chained =
        previous === undefined
          ? (event.diff.U <= snapshot.lastUpdateId && snapshot.lastUpdateId <= event.diff.u) || event.diff.pu === snapshot.lastUpdateId
          : event.diff.pu === previous;
      if (!chained) stats.recordedChainBreaks++;
      lastU.set(event.symbol, event.diff.u);
      stats.diffs++;
      spans.u.add(event.diff.U, event.diff.u);
    }
    if (event.channel.endsWith("@trade")) spans.t.add(idField(event.text, "t"));
    else if (event.channel.endsWith("@aggTrade")) spans.a.add(idField(event.text, "a"));
    events.push(event);
  }
  for (const snapshot of snapshots.values()) spans.u.add(snapshot.lastUpdateId);
  stats.events = events.length;
  const tsSpanMs = events.length > 0 ? Math.ceil(events[events.length - 1]!.tsMs - events[0]!.tsMs) + 1 : 0;
  return {
    events,
    snapshots,
    symbols: [...snapshots.keys()].sort(),
    stats,
    idSpans: [spans.u.span, spans.t.span, spans.a.span],
    tsSpanMs,
  };
}

function classify(frame: RawFrame, snapshots: Map<string, SnapshotData>): ReplayEvent | undefined {
  let parsed: { stream?: unknown; data?: Record<string, unknown>; lastUpdateId?: unknown; E?: unknown; T?: unknown; bids?: unknown; asks?: unknown };
  try {
    parsed = JSON.parse(frame.text);
  } catch {
    return undefined;
  }
  if (frame.symbol !== undefined) {
    const symbol = frame.symbol.toUpperCase();
    // The first snapshot starts the book; later recorded snapshots (client resyncs) are not needed.
    if (!snapshots.has(symbol) && typeof parsed.lastUpdateId === "number" && Array.isArray(parsed.bids) && Array.isArray(parsed.asks)) {
      snapshots.set(symbol, {
        lastUpdateId: parsed.lastUpdateId,
        E: Number(parsed.E ?? 0),
        T: Number(parsed.T ?? 0),
        bids: parsed.bids as LevelText[],
        asks: parsed.asks as LevelText[],
      });
    }
    return undefined;
  }
  if (typeof parsed.stream !== "string" || typeof parsed.data !== "object" || parsed.data === null) return undefined;
  const named = channelOf(parsed.stream);
  if (!named) return undefined;
  const data = parsed.data;
  const symbol = typeof data.s === "string" ? data.s.toUpperCase() : named.symbolLower.toUpperCase();
  const base = { tsMs: frame.localTsMs, channel: named.channel, group: GROUP_OF_KIND[named.kind], symbol, text: frame.text };
  if (named.kind !== "depth") return base;
  const { U, u, pu, E, T, b, a } = data;
  if (typeof U !== "number" || typeof u !== "number" || typeof pu !== "number" || !Array.isArray(b) || !Array.isArray(a)) return undefined;
  return { ...base, diff: { U, u, pu, E: Number(E ?? 0), T: Number(T ?? E ?? 0), b: b as LevelText[], a: a as LevelText[] } };
}

class MinMax {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  add(...values: number[]): void {
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }
  get span(): number {
    return this.max >= this.min ? this.max - this.min + 1 : 0;
  }
}

/** An integer field of a frame's data (`"t":123`), NaN if absent. */
function idField(text: string, key: string): number {
  const match = new RegExp(`"${key}":(\\d+)`).exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * The event as replayed on loop `loop` (0: as recorded). Later loops shift
 * update ids, trade ids and times forward by whole spans, so ids keep
 * increasing; the exchange's book restarts from the snapshot there, which
 * clients see as a gap.
 */
export function eventOnLoop(timeline: Timeline, event: ReplayEvent, loop: number): ReplayEvent {
  if (loop === 0) return event;
  const [uSpan, tSpan, aSpan] = timeline.idSpans;
  const du = loop * uSpan;
  const dts = loop * timeline.tsSpanMs;
  const parsed = JSON.parse(event.text) as { stream: string; data: Record<string, number> };
  const data = parsed.data;
  for (const key of ["E", "T"]) if (typeof data[key] === "number") data[key] += dts;
  if (event.diff) for (const key of ["U", "u", "pu"]) data[key]! += du;
  else if (event.channel.endsWith("@bookTicker") && typeof data.u === "number") data.u += du;
  else if (event.channel.endsWith("@trade") && typeof data.t === "number") data.t += loop * tSpan;
  else if (event.channel.endsWith("@aggTrade")) for (const key of ["a", "f", "l"]) if (typeof data[key] === "number") data[key] += loop * aSpan;
  const diff = event.diff && { ...event.diff, U: event.diff.U + du, u: event.diff.u + du, pu: event.diff.pu + du, E: event.diff.E + dts, T: event.diff.T + dts };
  return { ...event, tsMs: event.tsMs + dts, text: JSON.stringify(parsed), diff };
}

export function snapshotOnLoop(timeline: Timeline, snapshot: SnapshotData, loop: number): SnapshotData {
  return loop === 0 ? snapshot : { ...snapshot, lastUpdateId: snapshot.lastUpdateId + loop * timeline.idSpans[0] };
}
