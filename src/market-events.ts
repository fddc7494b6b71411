/** Helpers over batches of market events, shared by the actors that run per-symbol engines. */
import type { MarketEvent } from "./switchboard.ts";

/** The batch split per symbol, each symbol's events in their original order (engines keep per-symbol state). */
export function groupBySymbol(events: readonly MarketEvent[]): Map<string, MarketEvent[]> {
  const bySymbol = new Map<string, MarketEvent[]>();
  for (const event of events) {
    let list = bySymbol.get(event.symbol);
    if (!list) bySymbol.set(event.symbol, (list = []));
    list.push(event);
  }
  return bySymbol;
}
