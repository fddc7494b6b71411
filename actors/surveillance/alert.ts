/**
 * The surveillance vocabulary: alert types, the alert record every detector
 * produces, and the engine interface the surveillance actor drives (one
 * engine per symbol, fed the same ordered market events as the feature
 * engines).
 *
 * These are market-level indicators: public data carries no account ids, so
 * an alert describes liquidity behaviour, never a trader.
 */
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";

export const ALERT_TYPES = ["spoofing", "layering", "quote_stuffing", "momentum_ignition", "wash_trading", "book_pressure", "liquidity_gap"] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface Alert {
  /** Stable and unique: symbol, type, side and start time, so a replay yields the same ids. */
  readonly id: string;
  readonly type: AlertType;
  readonly symbol: string;
  /** The book side where the suspicious liquidity sat. */
  readonly side: "bid" | "ask";
  /** 0-100. Scores >= 50 are what a desk is asked to look at. */
  readonly score: number;
  /** Exchange milliseconds. */
  readonly tsStart: number;
  readonly tsEnd: number;
  /** Levels, sizes, lifetimes, related trades: whatever the detector used, by name. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** One plain sentence. */
  readonly explanation: string;
}

/** How often the service tells the engines the time between events (SurveillanceEngine.advance), ms. */
export const SURVEILLANCE_TICK_MS = 100;
/**
 * The clock estimate stays this far behind the last event's exchange time plus the wall time since:
 * room for a frame or a print still in flight (the depth and trade streams lag differently).
 */
export const SURVEILLANCE_CLOCK_LAG_MS = 100;

/**
 * The exchange time an engine may be advanced to `quietMs` of wall time after its last event (at
 * `lastExchTsMs`); null while events still come (under a tick of quiet): they move its clock themselves.
 */
export function quietClockTsMs(lastExchTsMs: number, quietMs: number): number | null {
  return quietMs >= SURVEILLANCE_TICK_MS ? lastExchTsMs + quietMs - SURVEILLANCE_CLOCK_LAG_MS : null;
}

export interface SurveillanceEngine {
  /** Events of ONE symbol, in order (book updates with their level changes, trades). Returns the alerts they completed. */
  process(events: readonly MarketEvent[]): Alert[];
  /**
   * The exchange clock reached tsMs with no event since the last batch (the service's tick, see
   * quietClockTsMs): returns the alerts that were only waiting for time to pass. tsMs should not run
   * ahead of events still to come (a late print would then miss its episode).
   */
  advance(tsMs: number): Alert[];
  dispose(): void;
}

export type CreateSurveillanceEngine = (spec: SymbolSpec) => SurveillanceEngine;
