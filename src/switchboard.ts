/**
 * The switchboard: every message that crosses an actor boundary, and every
 * actor id, in one place. An actor's private events stay in its own folder.
 *
 * Conventions: event types are dotted, noun first (`book.updated`); commands
 * are imperative (`feed.start`), facts past tense. Messages are immutable and
 * batched per exchange frame (never one message per price level). Every
 * market fact carries both the exchange time (`exchTsMs`) and the local
 * receive time (`localTsMs`, fractional milliseconds since the Unix epoch).
 */
import type { Alert } from "../actors/surveillance/alert.ts";

/** systemIds of the long-lived actors. */
export const ActorId = {
  feed: "feed",
  book: "book",
  analytics: "analytics",
  hub: "hub",
  surveillance: "surveillance",
  recorder: "recorder",
  inference: "inference",
} as const;
export type ActorId = (typeof ActorId)[keyof typeof ActorId];

export type Mode = "sim" | "replay" | "live";
export type Engine = "native" | "ts";
export type AggressorSide = "buy" | "sell";

/** Static description of an instrument (Binance exchangeInfo PRICE_FILTER / LOT_SIZE). */
export interface SymbolSpec {
  readonly symbol: string;
  readonly tickSize: number;
  readonly lotSize: number;
}

/** One websocket text frame exactly as the exchange sent it. */
export interface RawFrame {
  readonly localTsMs: number;
  readonly text: string;
  /** Set for REST depth snapshots, whose body does not name the symbol. */
  readonly symbol?: string;
}

// ---------------------------------------------------------------- feed -> book

/** A batch of raw frames in arrival order. Live mode sends one frame per
 * message; the simulator and replay send many to amortise dispatch cost. */
export interface FeedFramesEvent {
  readonly type: "feed.frames";
  readonly frames: readonly RawFrame[];
}

// ------------------------------------------------------- book -> analytics/hub

/** Side codes shared with the native library's C ABI. */
export const BID = 0;
export const ASK = 1;

/**
 * One applied depth frame. `levelSide/levelPriceTicks/levelQty` are the
 * level changes the frame carried (qty 0 removes the level); when `reset` is
 * true they are the whole book (a REST snapshot or a resync) and consumers
 * must clear their book first. `top*` is the book after the frame, best
 * first, at most TOP_LEVELS per side, in real prices and quantities.
 */
export interface BookUpdate {
  readonly kind: "book";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly localTsMs: number;
  /** Exchange update id of the last diff applied. */
  readonly u: number;
  readonly reset: boolean;
  /** The instrument, on reset updates only (consumers size their state from it). */
  readonly spec?: SymbolSpec;
  readonly stale: boolean;
  readonly levelSide: Uint8Array;
  readonly levelPriceTicks: Float64Array;
  readonly levelQty: Float64Array;
  readonly topBidPrice: Float64Array;
  readonly topBidQty: Float64Array;
  readonly topAskPrice: Float64Array;
  readonly topAskQty: Float64Array;
}

/** One executed trade (Binance `trade`; `aggTrade` is ignored for analytics
 * because it aggregates the same prints). `side` is the aggressor. */
export interface Trade {
  readonly kind: "trade";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly localTsMs: number;
  readonly tradeId: number;
  readonly priceTicks: number;
  readonly price: number;
  readonly qty: number;
  readonly side: AggressorSide;
}

export type MarketEvent = BookUpdate | Trade;

export type GapReason = "pu_mismatch" | "snapshot_too_old" | "invalid_levels" | "crossed_book";

/**
 * A break in a symbol's update-id chain. `started` when detected (the book
 * turns stale: it keeps the last good state and buffers diffs); `recovered`
 * when a snapshot aligned and the buffered diffs were applied, with how long
 * the book was stale.
 */
export interface GapFact {
  readonly kind: "gap";
  readonly symbol: string;
  readonly phase: "started" | "recovered";
  readonly reason: GapReason;
  /** The `u` the breaking diff should have chained on (its expected `pu`). */
  readonly expectedPu: number;
  readonly gotPu: number;
  /** `u` of the diff that broke the chain. */
  readonly u: number;
  /** Exchange time of the diff that broke the chain. */
  readonly exchTsMs: number;
  /** Local time of this phase (detection, or recovery). */
  readonly localTsMs: number;
  /** lastUpdateId of the snapshot that ended the gap (recovered only). */
  readonly recoveredU: number | null;
  /** Local milliseconds the book was stale (recovered only). */
  readonly staleMs: number | null;
}

/** Book output per feed batch, in arrival order. */
export interface BookUpdatedEvent {
  readonly type: "book.updated";
  readonly events: readonly MarketEvent[];
  readonly gaps: readonly GapFact[];
}

// ------------------------------------------------------------ analytics -> hub

/** Features for one book update: `values[i]` is the feature named
 * `FEATURE_NAMES[i]` (see native/src/features.h and docs/features.md). */
export interface FeatureRow {
  readonly kind: "features";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly localTsMs: number;
  readonly values: Float64Array;
}

/** A surveillance alert as a hub item: `localTsMs` is when it was raised (local clock). */
export interface AnomalyFact extends Alert {
  readonly kind: "anomaly";
  readonly localTsMs: number;
}

/**
 * A model's class probabilities for a symbol's window of book events
 * (actors/inference): `exchTsMs`/`localTsMs` are the newest event's,
 * `horizon` the label horizon k in events, `model` the model's name.
 */
export interface PredictionFact {
  readonly kind: "prediction";
  readonly symbol: string;
  readonly exchTsMs: number;
  readonly localTsMs: number;
  readonly up: number;
  readonly stationary: number;
  readonly down: number;
  readonly horizon: number;
  readonly model: string;
}

/** What the hub fans out, in order: book updates, trades, feature rows, gaps, anomalies, predictions. */
export type HubItem = BookUpdate | Trade | FeatureRow | GapFact | AnomalyFact | PredictionFact;

export interface AnalyticsComputedEvent {
  readonly type: "analytics.computed";
  readonly items: readonly HubItem[];
}

// ------------------------------------------------------------------ commands

/** What each long-lived actor accepts from the others. */
export type FeedCommand =
  | { readonly type: "feed.fetchSnapshot"; readonly symbol: string }
  | { readonly type: "feed.stop" }
  | { readonly type: "feed.pause" }
  | { readonly type: "feed.resume" }
  | { readonly type: "feed.setSpeed"; readonly speed: number | "max" }
  | { readonly type: "feed.seek"; readonly tsMs: number };
export type HubCommand =
  | AnalyticsComputedEvent
  | { readonly type: "surveillance.alerted"; readonly alerts: readonly AnomalyFact[] }
  | { readonly type: "inference.predicted"; readonly predictions: readonly PredictionFact[] }
  | { readonly type: "hub.publishStatus"; readonly status: StatusFact };

export interface ActorCommands {
  feed: FeedCommand;
  /** `book.reset`: forget every book (a replay rewound); analytics is told in turn. */
  book: FeedFramesEvent | { readonly type: "book.reset" };
  analytics: BookUpdatedEvent | { readonly type: "analytics.reset" };
  surveillance: BookUpdatedEvent | { readonly type: "surveillance.reset" };
  inference: BookUpdatedEvent | { readonly type: "inference.reset" };
  hub: HubCommand;
  recorder: { readonly type: "recorder.stop"; readonly timeoutMs?: number };
}

/** A status fact for the console and SSE consumers. */
export interface StatusFact {
  readonly mode: Mode;
  readonly symbols: readonly string[];
  readonly actors: Readonly<Record<string, string>>;
  readonly tsMs: number;
}

export const TOP_LEVELS = 20;
