/**
 * The surveillance engine for one symbol: order-lifecycle inference plus
 * every detector over each batch of market events, in order. Returns the
 * alerts the batch completed. Spoofing candidates are held `spoofing.holdMs`
 * (exchange time) so that orders which turn out to be layers of a layering
 * group are reported once, as layering; one that rested beside a stack not
 * judged yet waits for it (`stackWaitMs` at most). The hold ends at a later
 * event or, in a quiet feed, at `advance` (the service's clock tick).
 */
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import type { Alert, SurveillanceEngine } from "./alert.ts";
import { AggressorFlow } from "./detectors/aggressor-flow.ts";
import { TsFrameDetectors, type FrameDetectors } from "./detectors/frame-detectors.ts";
import type { MidReach } from "./detectors/price-reach.ts";
import { LayeringDetector, neighbourRun } from "./detectors/layering.ts";
import { MomentumIgnitionDetector } from "./detectors/momentum-ignition.ts";
import { NativeFrameDetectors } from "./detectors/native-frame-detectors.ts";
import { spoofAlert, spoofMeasures } from "./detectors/spoofing.ts";
import { WashTradingDetector } from "./detectors/wash-trading.ts";
import type { Episode } from "./lifecycle.ts";
import { createLifecycle, type LifecycleKind, type OrderLifecycle } from "./lifecycle-choice.ts";
import { NativeLifecycle } from "./native-lifecycle.ts";
import { withDefaults, type ParamOverrides, type SurveillanceParams } from "./params.ts";
import { forgetSpansBefore } from "./spans.ts";

/** A spoofing or layering candidate waiting out the hold (layer membership, requotes). */
interface Held {
  readonly episodes: readonly Episode[];
  readonly side: number;
  readonly alert: () => Alert;
  /** A lone spoof candidate (dropped when re-quoted, stacked or part of a flagged scheme), not a layering group. */
  readonly spoofCandidate: boolean;
}

export class DetectorEngine implements SurveillanceEngine {
  readonly params: SurveillanceParams;
  readonly lifecycle: OrderLifecycle;
  private readonly layering: LayeringDetector;
  /** Aggressive flow per book side and usual price moves: what spoofing and layering measure against. */
  private readonly flow: AggressorFlow;
  private readonly reach: MidReach;
  private readonly momentum: MomentumIgnitionDetector;
  private readonly wash: WashTradingDetector;
  /** Reach, quote stuffing, book pressure, liquidity gaps: in libgenesis's frame call with the native lifecycle. */
  private readonly frame: FrameDetectors;
  private held: Held[] = [];
  /** Per side, the spans of spoofing and layering alerts released lately: flat [startTsMs, endTsMs]. */
  private readonly flagged: number[][] = [[], []];
  /** Large episodes opened recently, per side (requote and stack evidence). */
  private readonly recentLarge: Episode[][] = [[], []];
  /**
   * Large episodes closed and judged: an opened one not in here still rests or settles (or was dropped
   * without closing, folded into its level's base: a stack wait on it ends at stackWaitMs).
   */
  private readonly judged = new WeakSet<Episode>();
  private readonly qtyAt = (side: number, priceTicks: number): number => this.lifecycle.qtyAt(side, priceTicks);
  private disposed = false;

  /** `lifecycle`: the inference implementation; omitted, native when libgenesis loads (lifecycle-choice.ts). */
  constructor(readonly spec: SymbolSpec, overrides: ParamOverrides = {}, lifecycle?: LifecycleKind) {
    const p = (this.params = withDefaults(overrides));
    const symbol = spec.symbol;
    this.lifecycle = createLifecycle(spec, p.lifecycle, lifecycle);
    this.flow = new AggressorFlow(p.aggressorFlow);
    const life = this.lifecycle;
    this.frame = life instanceof NativeLifecycle ? new NativeFrameDetectors(life, symbol, p) : new TsFrameDetectors(symbol, spec.tickSize, p);
    this.reach = this.frame.reach;
    this.layering = new LayeringDetector(symbol, p.layering, { flow: this.flow, reach: this.reach });
    this.momentum = new MomentumIgnitionDetector(symbol, p.momentumIgnition, this.flow, this.reach);
    this.wash = new WashTradingDetector(symbol, p.washTrading);
  }

  process(events: readonly MarketEvent[]): Alert[] {
    if (this.disposed) throw new Error(`surveillance engine used after dispose: symbol=${this.spec.symbol}`);
    const out: Alert[] = [];
    const life = this.lifecycle;
    for (const e of events) {
      if (e.symbol !== this.spec.symbol) throw new Error(`event for another symbol: engine=${this.spec.symbol}, event=${e.symbol}`);
      if (e.kind === "trade") {
        life.onTrade(e);
        // A buy aggressor lifts asks (book side 1), a sell aggressor hits bids (0).
        this.flow.onTrade(e.side === "buy" ? 1 : 0, e.exchTsMs, e.qty);
        this.wash.onTrade(e);
        this.momentum.onTrade(e.exchTsMs, e.priceTicks, e.qty, e.side === "buy");
        this.frame.onTrade(e.exchTsMs);
        continue;
      }
      // Wash pairs are judged against the book before this frame changed it, then the frame.
      this.wash.onBook(e, this.qtyAt, out);
      life.onBook(e);
      this.frame.afterLifecycle(e, life);
      if (life.opened.length > 0) this.noteOpened(e.exchTsMs);
      if (life.closed.length > 0) this.judgeEpisodes();
      this.releaseHeld(e.exchTsMs, out);
      this.frame.stuffingTurn(e, life, out);
      push(out, this.momentum.onTouch(e.exchTsMs, life.bestBidTicks, life.bestAskTicks));
      this.frame.contextTurn(e, out);
    }
    return out;
  }

  /**
   * The clock reached tsMs (exchange ms) with no event since the last batch: releases the spoofing and
   * layering candidates whose hold is over, so a quiet feed does not delay them until its next event.
   */
  advance(tsMs: number): Alert[] {
    if (this.disposed) throw new Error(`surveillance engine used after dispose: symbol=${this.spec.symbol}`);
    const out: Alert[] = [];
    this.lifecycle.advance(tsMs);
    if (this.lifecycle.closed.length > 0) this.judgeEpisodes();
    this.releaseHeld(tsMs, out);
    return out;
  }

  /** Emits what is still held (spoofing candidates, settling episodes): end of a recording. */
  flush(): Alert[] {
    const out: Alert[] = [];
    this.lifecycle.flush();
    this.judgeEpisodes();
    this.releaseHeld(Infinity, out);
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.held = [];
    this.lifecycle.dispose();
  }

  private judgeEpisodes(): void {
    const closed = this.lifecycle.closed;
    for (const ep of closed) {
      this.judged.add(ep);
      const layered = this.layering.onEpisode(ep);
      if (layered) {
        const members = new Set(layered.members);
        this.held = this.held.filter((h) => h.episodes === layered.members || !h.episodes.some((x) => members.has(x)));
        if (layered.isNew) {
          const group = layered.members;
          this.held.push({ episodes: group, side: ep.side, alert: () => this.layering.alert(group), spoofCandidate: false });
        }
        continue;
      }
      const m = spoofMeasures(ep, this.params.spoofing, { flow: this.flow, reach: this.reach });
      if (m) {
        const alert = spoofAlert(this.spec.symbol, ep, m, this.params.spoofing);
        this.held.push({ episodes: [ep], side: ep.side, alert: () => alert, spoofCandidate: true });
      }
    }
    closed.length = 0;
  }

  private releaseHeld(ts: number, out: Alert[]): void {
    if (this.held.length === 0) return;
    const holdMs = this.params.spoofing.holdMs;
    // Held from the latest member's cancel, so a group's later layers can still join. Runs on every
    // book update while anything is held: no allocation until something is due (a candidate waiting
    // for a stack is due, and re-checked, at every update of its wait).
    let due: Held[] | null = null;
    let w = 0;
    for (const h of this.held) {
      if (ts - latestEndTsMs(h.episodes) >= holdMs) (due ??= []).push(h);
      else this.held[w++] = h;
    }
    this.held.length = w;
    if (due === null) return;
    // Layering groups first, so that a spoof candidate due with one is judged against it.
    due.sort((a, b) => Number(a.spoofCandidate) - Number(b.spoofCandidate));
    for (const h of due) {
      const [startTsMs, endTsMs] = span(h.episodes);
      if (h.spoofCandidate && (this.requoted(h) || this.partOfFlagged(h, startTsMs, endTsMs) || this.stacked(h))) continue;
      if (h.spoofCandidate && this.restingStack(h, ts)) {
        if (this.mayWaitForStack(h, ts)) {
          this.held.push(h);
          continue;
        }
        if (this.tradedSinceCancel(h, ts)) continue;
      }
      out.push(h.alert());
      this.noteFlagged(h.side, startTsMs, endTsMs, ts);
      // The flagged window's opposite trading is not what that side usually does: keep it out of later baselines.
      this.flow.exclude(1 - h.side, startTsMs, endTsMs);
    }
  }

  /** Remembers a released alert's span; forgets those no later candidate can overlap. */
  private noteFlagged(side: number, startTsMs: number, endTsMs: number, ts: number): void {
    const spans = this.flagged[side]!;
    forgetSpansBefore(spans, ts - this.params.spoofing.maxLifetimeMs - this.params.spoofing.holdMs - this.params.layering.maxLifetimeMs);
    spans.push(startTsMs, endTsMs);
  }

  /**
   * One scheme, one alert: a spoofing candidate that rested while a flagged spoof or layering
   * group (released, or still held) rested on the same side is part of that picture, the other
   * side's trading already attributed (its own alert would repeat the first, or flag an honest
   * order that happened to be pulled while a manipulator traded).
   */
  private partOfFlagged(h: Held, startTsMs: number, endTsMs: number): boolean {
    const spans = this.flagged[h.side]!;
    for (let i = 0; i < spans.length; i += 2) if (startTsMs <= spans[i + 1]! && endTsMs >= spans[i]!) return true;
    for (const other of this.held) {
      if (other === h || other.spoofCandidate || other.side !== h.side) continue;
      const [otherFrom, otherTo] = span(other.episodes);
      if (startTsMs <= otherTo && endTsMs >= otherFrom) return true;
    }
    return false;
  }

  private noteOpened(ts: number): void {
    const sp = this.params.spoofing;
    // Long enough for the requote window of any candidate and for a stack that may still rest beside one.
    const keepMs = Math.max(sp.requoteMs + sp.holdMs + sp.maxLifetimeMs, this.params.layering.maxLifetimeMs + sp.holdMs + sp.stackWaitMs);
    for (const ep of this.lifecycle.opened) this.recentLarge[ep.side]!.push(ep);
    this.lifecycle.opened.length = 0;
    for (const list of this.recentLarge) {
      let w = 0;
      for (const ep of list) if (ts - ep.startTsMs <= keepMs) list[w++] = ep;
      list.length = w;
    }
  }

  /**
   * Part of a stack, which is layering's to judge (it needs minLayers of them), not a lone spoof:
   * placed and pulled together with another large order on its side (within stackMs both ways), or
   * placed together (within stackMs) with enough others on neighbouring levels to make minLayers
   * (layering.maxGapTicks apart at most). The second catches a layer whose inferred episode ended
   * apart from the rest when honest orders at its price were added or pulled meanwhile.
   */
  private stacked(h: Held): boolean {
    const ms = this.params.spoofing.stackMs;
    const ep = h.episodes[0]!;
    const placedWith: number[] = [ep.priceTicks];
    for (const other of this.recentLarge[h.side]!) {
      if (other === ep || Math.abs(other.startTsMs - ep.startTsMs) > ms) continue;
      if (Math.abs(other.endTsMs - ep.endTsMs) <= ms) return true;
      placedWith.push(other.priceTicks);
    }
    return this.isStack(placedWith, ep.priceTicks);
  }

  /** Whether orders placed together at `prices` make a stack through `at`: minLayers on neighbouring levels. */
  private isStack(prices: number[], at: number): boolean {
    const { minLayers, maxGapTicks } = this.params.layering;
    return prices.length >= minLayers && chainLength(prices, at, maxGapTicks) >= minLayers;
  }

  /**
   * A stack (minLayers large orders on its side, placed together on neighbouring levels) that rested
   * with the candidate is not judged yet (still resting, or settling after its cancel): what it turns
   * out to be decides whether the candidate is one scheme with it (partOfFlagged, once the stack's
   * layering alert is held), so the candidate waits, at most stackWaitMs past its hold (still within
   * 1 s of its cancel) and never for a stack older than layering.maxLifetimeMs. Re-checked on each
   * book update while it waits (rare: few candidates wait at all). "Still resting" read from the book
   * instead (half of each order's size showing) misses a stack pulled just before the candidate's
   * release, whose layering verdict is then 100 ms away: simulator F1 -0.01 to -0.02.
   */
  private mayWaitForStack(h: Held, ts: number): boolean {
    const sp = this.params.spoofing;
    return ts - h.episodes[0]!.endTsMs < sp.holdMs + sp.stackWaitMs;
  }

  /**
   * The wait is over and the stack still rests: if the other side kept trading unusually from the
   * candidate's cancel to now (layering's opposite-flow bar), the stack's owner is at work and the
   * candidate, pulled while it traded, is part of that picture, as when the stack is flagged in
   * time (partOfFlagged). The flow over the candidate's own life is left out: a spoof's prints
   * would make any stack beside it look busy.
   */
  private tradedSinceCancel(h: Held, ts: number): boolean {
    const test = this.flow.test(1 - h.side, h.episodes[0]!.endTsMs, ts, true);
    return test !== null && test.z >= this.params.layering.minOppositeZ;
  }

  /** Whether a stack (minLayers orders placed together on neighbouring levels) that rested while the candidate did is still not judged. */
  private restingStack(h: Held, ts: number): boolean {
    const { stackMs } = this.params.spoofing;
    const { minLayers, maxLifetimeMs } = this.params.layering;
    const ep = h.episodes[0]!;
    const open = this.recentLarge[h.side]!.filter((o) => o !== ep && !this.judged.has(o) && o.startTsMs <= ep.endTsMs && ts - o.startTsMs <= maxLifetimeMs);
    if (open.length < minLayers) return false;
    return open.some((o) => this.isStack(open.filter((x) => Math.abs(x.startTsMs - o.startTsMs) <= stackMs).map((x) => x.priceTicks), o.priceTicks));
  }

  /**
   * Was the order re-placed? A market maker's quote that follows the price is pulled and put back:
   * after the mid moved at least requoteMinShiftTicks while it rested, one large order of about the
   * same size (within requoteSizeTolerance) on the same side, near the pulled price or where it would
   * be had it followed the price (same distance from the moved touch), placed from requoteMs before
   * the cancel to requoteAfterMs after it.
   */
  private requoted(h: Held): boolean {
    const p = this.params.spoofing;
    const ep = h.episodes[0]!;
    const moved = (ep.mid2AtEnd - ep.mid2AtAdd) / 2;
    const shift = Number.isFinite(moved) ? Math.round(moved) : 0;
    if (Math.abs(shift) < p.requoteMinShiftTicks) return false;
    const near = (other: Episode, at: number) => Math.abs(other.priceTicks - (ep.priceTicks + at)) <= p.requoteTicks;
    for (const other of this.recentLarge[h.side]!) {
      if (other === ep || Math.abs(other.addedQty / ep.addedQty - 1) > p.requoteSizeTolerance) continue;
      if (other.startTsMs < ep.endTsMs - p.requoteMs || other.startTsMs > ep.endTsMs + Math.min(p.holdMs, p.requoteAfterMs)) continue;
      if (near(other, 0) || near(other, shift)) return true;
    }
    return false;
  }
}

/** How many distinct `prices` form an unbroken run (neighbours at most maxGapTicks apart) through `at`. */
function chainLength(prices: number[], at: number, maxGapTicks: number): number {
  const sorted = [...new Set(prices)].sort((a, b) => a - b);
  const [lo, hi] = neighbourRun(sorted, sorted.indexOf(at), maxGapTicks);
  return hi - lo + 1;
}

function latestEndTsMs(episodes: readonly Episode[]): number {
  let endTsMs = -Infinity;
  for (const e of episodes) endTsMs = Math.max(endTsMs, e.endTsMs);
  return endTsMs;
}

/** [earliest start, latest end] of a candidate's episodes. */
function span(episodes: readonly Episode[]): [number, number] {
  let startTsMs = Infinity;
  for (const e of episodes) startTsMs = Math.min(startTsMs, e.startTsMs);
  return [startTsMs, latestEndTsMs(episodes)];
}

function push(out: Alert[], alert: Alert | null): void {
  if (alert !== null) out.push(alert);
}

/** `CreateSurveillanceEngine` with optional parameter overrides (see params.ts) and lifecycle implementation. */
export function createSurveillanceEngine(spec: SymbolSpec, params: ParamOverrides = {}, lifecycle?: LifecycleKind): DetectorEngine {
  return new DetectorEngine(spec, params, lifecycle);
}
