/**
 * Labelled simulated streams: the market simulator's clean order flow (the
 * honest agents), turned into MarketEvents by the book desk exactly as the
 * sim feed would, with the manipulating agents overlaid by the injector.
 */
import type { MarketEvent, SymbolSpec } from "../../../src/switchboard.ts";
import { BookDesk } from "../../book/book-desk.ts";
import { MarketSimulator } from "../../feed/sim/market-simulator.ts";
import { DEFAULT_SLOT_MS, DEFAULT_WARMUP_MS, injectEpisodes, type Episode, type InjectableType } from "./inject.ts";

export interface SymbolStream {
  readonly spec: SymbolSpec;
  readonly events: MarketEvent[];
}

export const SIM_START_TS_MS = 1_700_000_000_000;
/** Frames are decoded a minute of market time at a time, to bound memory. */
const CHUNK_MS = 60_000;

/** The simulator's clean stream for each symbol, `durationMs` of market time, split per symbol. */
export function simulateCleanStreams(seed: number, symbols: readonly string[], durationMs: number): SymbolStream[] {
  const sim = new MarketSimulator({ symbols, seed, startTsMs: SIM_START_TS_MS });
  const desk = new BookDesk(new Set(symbols));
  const bySymbol = new Map<string, MarketEvent[]>(symbols.map((s) => [s, []]));
  const take = (events: readonly MarketEvent[]) => {
    for (const event of events) bySymbol.get(event.symbol)!.push(event);
  };
  take(desk.processBatch(symbols.map((symbol) => ({ localTsMs: SIM_START_TS_MS, text: sim.depthSnapshot(symbol), symbol }))).events);
  for (let t = SIM_START_TS_MS; t < SIM_START_TS_MS + durationMs; ) {
    t = Math.min(SIM_START_TS_MS + durationMs, t + CHUNK_MS);
    const result = desk.processBatch(sim.advanceTo(t).map((f) => ({ localTsMs: f.exchTsMs, text: f.text })));
    if (result.gaps.length > 0) throw new Error(`simulated stream broke its update chain: symbol=${result.gaps[0]!.symbol}, u=${result.gaps[0]!.u}`);
    take(result.events);
  }
  return symbols.map((symbol) => ({ spec: desk.books.get(symbol)!.spec, events: bySymbol.get(symbol)! }));
}

/** Market time a symbol needs to hold `episodes` slots. */
export function simDurationMs(episodes: number): number {
  return DEFAULT_WARMUP_MS + (episodes + 1) * DEFAULT_SLOT_MS;
}

export interface LabelledStream extends SymbolStream {
  readonly clean: MarketEvent[];
  readonly episodes: Episode[];
}

/**
 * Simulates `symbols` long enough for `types` (dealt round-robin over the
 * symbols) and injects them; each stream comes with its clean original.
 */
export function simulatedEpisodes(seed: number, symbols: readonly string[], types: readonly InjectableType[]): LabelledStream[] {
  const perSymbol = symbols.map((_, i) => types.filter((__, j) => j % symbols.length === i));
  const durationMs = simDurationMs(Math.max(...perSymbol.map((t) => t.length)));
  return simulateCleanStreams(seed, symbols, durationMs).map((stream, i) => {
    const injected = injectEpisodes(stream.events, stream.spec, perSymbol[i]!, seed * 31 + i);
    if (injected.used < perSymbol[i]!.length) throw new Error(`simulatedEpisodes: ${stream.spec.symbol} fit ${injected.used} of ${perSymbol[i]!.length} episodes`);
    return { spec: stream.spec, events: injected.events, clean: stream.events, episodes: injected.episodes };
  });
}
