/**
 * The injector: overlays labelled synthetic manipulation on a MarketEvent
 * stream of one symbol (a real recording or the simulator's clean stream).
 *
 * Episodes go into fixed slots after a warm-up (so detectors have seen the
 * market first), one per slot, starting at a random offset in the slot's
 * first two seconds; slots are long enough that no episode, plus the 1 s
 * the evaluation allows for detection, reaches the next one. Real events
 * pass through the overlay (overlay.ts), which keeps the output book equal
 * to the real book plus whatever synthetic orders rest at that moment.
 * Deterministic for a seed.
 */
import type { MarketEvent, SymbolSpec } from "../../../src/switchboard.ts";
import { rng } from "../../analytics/random-events.ts";
import { buildEpisode, type Draft, type Episode, type InjectableType } from "./agents.ts";
import { streamScale, type StreamScale } from "./calibration.ts";
import { Overlay } from "./overlay.ts";

export { INJECTABLE_TYPES, type Episode, type InjectableType } from "./agents.ts";

export interface InjectOptions {
  /** One episode per slot; default 8000 ms (the longest episode is about 4.5 s). */
  readonly slotMs?: number;
  /** No episode before this much market time has passed; default 30000 ms. */
  readonly warmupMs?: number;
  /** Override the sizes measured on the stream. */
  readonly scale?: StreamScale;
}

export interface InjectionResult {
  readonly events: MarketEvent[];
  /** 1 where `events[i]` was injected, 0 where it is a real event (amended with the resting synthetic size). */
  readonly synthetic: Uint8Array;
  /** The episodes that found a book to act on, in time order. */
  readonly episodes: Episode[];
  /** How many entries of `types` were used (the rest did not fit the stream). */
  readonly used: number;
}

export const DEFAULT_SLOT_MS = 8000;
export const DEFAULT_WARMUP_MS = 30_000;
/** Episodes start within this much of their slot's beginning. */
const START_JITTER_MS = { min: 500, max: 2000 } as const;

/** Start times of the slots a stream offers. */
export function episodeSlots(events: readonly MarketEvent[], options: InjectOptions = {}): number[] {
  if (events.length === 0) return [];
  const slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
  const firstMs = events[0]!.exchTsMs + (options.warmupMs ?? DEFAULT_WARMUP_MS);
  const lastMs = events[events.length - 1]!.exchTsMs;
  const out: number[] = [];
  for (let t = firstMs; t + slotMs <= lastMs; t += slotMs) out.push(t);
  return out;
}

/** Injects `types[i]` into slot i (as many as fit); `events` must be one symbol's, in order. */
export function injectEpisodes(events: readonly MarketEvent[], spec: SymbolSpec, types: readonly InjectableType[], seed: number, options: InjectOptions = {}): InjectionResult {
  for (const event of events) {
    if (event.symbol !== spec.symbol) throw new Error(`injectEpisodes: event symbol=${event.symbol} in a stream of symbol=${spec.symbol}`);
  }
  const r = rng(seed);
  const ctx = { spec, scale: options.scale ?? streamScale(events) };
  if (!(ctx.scale.medianLevelQty > 0 && ctx.scale.meanLevelQty > 0 && ctx.scale.medianTradeQty > 0)) {
    throw new Error(`injectEpisodes: stream has no sizes to calibrate on: medianLevelQty=${ctx.scale.medianLevelQty}, meanLevelQty=${ctx.scale.meanLevelQty}, medianTradeQty=${ctx.scale.medianTradeQty}`);
  }
  const slots = episodeSlots(events, options);
  const used = Math.min(slots.length, types.length);
  const drafts: Draft[] = [];
  for (let i = 0; i < used; i++) {
    const t0 = slots[i]! + START_JITTER_MS.min + Math.floor(r() * (START_JITTER_MS.max - START_JITTER_MS.min));
    drafts.push(buildEpisode(types[i]!, r, t0, ctx));
  }
  // Stable by time; ties keep the order the agents built them in.
  const actions = drafts.flatMap((d) => d.actions).map((a, seq) => ({ ...a, seq }));
  actions.sort((a, b) => a.tsMs - b.tsMs || a.seq - b.seq);

  const overlay = new Overlay(spec);
  let next = 0;
  for (const event of events) {
    while (next < actions.length && actions[next]!.tsMs < event.exchTsMs) actions[next++]!.run(overlay);
    overlay.passReal(event);
  }
  while (next < actions.length) actions[next++]!.run(overlay);

  const episodes: Episode[] = drafts
    .filter((d) => d.label.placed)
    .map(({ label }) => ({ type: label.type, symbol: spec.symbol, side: label.side, tsStart: label.tsStart, tsEnd: label.tsEnd, priceTicks: label.priceTicks, qty: label.qty, overrun: label.overrun }));
  return { events: overlay.out, synthetic: Uint8Array.from(overlay.synthetic), episodes, used };
}
