/**
 * Drops trades and aggTrades already delivered, by id, per symbol: the
 * overlap while a connection is rotated delivers some frames twice. Depth
 * diffs are not filtered here; the book drops a diff with u <= its
 * lastUpdateId. Ids jumping forward (frames lost in a reconnect) are counted:
 * trades cannot be fetched again, so a gap there is only reported.
 */
import { peekInteger, peekStream } from "./frame-peek.ts";

export interface DedupeCounters {
  duplicateTrades: number;
  duplicateAggTrades: number;
  /** Trades missing between two delivered ones (id jumps), summed. */
  missedTrades: number;
  missedAggTrades: number;
}

export type FrameKind = "depth" | "trade" | "aggTrade" | "other";

export class TradeDedupe {
  private readonly lastTradeId = new Map<string, number>();
  private readonly lastAggId = new Map<string, number>();
  readonly counters: DedupeCounters = { duplicateTrades: 0, duplicateAggTrades: 0, missedTrades: 0, missedAggTrades: 0 };
  /** Stream name and kind of the last frame admitted (valid right after `admit`). */
  lastStream: string | undefined;
  lastKind: FrameKind = "other";

  /** False when the frame repeats a trade or aggTrade already delivered. */
  admit(text: string): boolean {
    const stream = peekStream(text);
    this.lastStream = stream;
    if (stream === undefined) {
      this.lastKind = "other";
      return true;
    }
    const at = stream.indexOf("@");
    const kind = stream.slice(at + 1);
    if (kind === "trade") {
      this.lastKind = "trade";
      return this.check(this.lastTradeId, stream.slice(0, at), peekInteger(text, "t", stream.length), "trade");
    }
    if (kind === "aggTrade") {
      this.lastKind = "aggTrade";
      return this.check(this.lastAggId, stream.slice(0, at), peekInteger(text, "a", stream.length), "aggTrade");
    }
    this.lastKind = kind.startsWith("depth") ? "depth" : "other";
    return true;
  }

  private check(last: Map<string, number>, symbol: string, id: number, kind: "trade" | "aggTrade"): boolean {
    if (Number.isNaN(id)) return true;
    const previous = last.get(symbol);
    if (previous !== undefined && id <= previous) {
      if (kind === "trade") this.counters.duplicateTrades++;
      else this.counters.duplicateAggTrades++;
      return false;
    }
    if (previous !== undefined && id > previous + 1) {
      if (kind === "trade") this.counters.missedTrades += id - previous - 1;
      else this.counters.missedAggTrades += id - previous - 1;
    }
    last.set(symbol, id);
    return true;
  }
}
