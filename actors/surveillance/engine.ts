/**
 * The surveillance engine for one symbol: order-lifecycle inference plus
 * every detector over each batch of market events, in order. Returns the
 * alerts the batch completed. Spoofing candidates are held `spoofing.holdMs`
 * (exchange time) so that orders which turn out to be layers of a layering
 * group are reported once, as layering.
 */
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import type { Alert, SurveillanceEngine } from "./alert.ts";
import { BookPressureDetector, LiquidityGapDetector } from "./detectors/book-context.ts";
import { LayeringDetector } from "./detectors/layering.ts";
import { MomentumIgnitionDetector } from "./detectors/momentum-ignition.ts";
import { QuoteStuffingDetector } from "./detectors/quote-stuffing.ts";
import { spoofAlert, spoofMeasures } from "./detectors/spoofing.ts";
import { WashTradingDetector } from "./detectors/wash-trading.ts";
import type { Episode } from "./lifecycle.ts";
import { createLifecycle, type LifecycleKind, type OrderLifecycle } from "./lifecycle-choice.ts";
import { withDefaults, type ParamOverrides, type SurveillanceParams } from "./params.ts";

/** A spoofing or layering candidate waiting out the hold (layer membership, requotes). */
interface Held {
  readonly episodes: readonly Episode[];
  readonly side: number;
  readonly endTsMs: number;
  readonly alert: () => Alert;
  /** Dropped when re-quoted (spoofing candidates only). */
  readonly requoteCheck: boolean;
}

export class DetectorEngine implements SurveillanceEngine {
  readonly params: SurveillanceParams;
  readonly lifecycle: OrderLifecycle;
  private readonly layering: LayeringDetector;
  private readonly stuffing: QuoteStuffingDetector;
  private readonly momentum: MomentumIgnitionDetector;
  private readonly wash: WashTradingDetector;
  private readonly pressure: BookPressureDetector;
  private readonly gaps: LiquidityGapDetector;
  private held: Held[] = [];
  /** Large episodes opened recently, per side (requote evidence). */
  private readonly recentLarge: Episode[][] = [[], []];
  private readonly lastChange = (side: number, priceTicks: number): number => this.lifecycle.lastChangeTsMs(side, priceTicks);
  private disposed = false;

  /** `lifecycle`: the inference implementation; omitted, native when libgenesis loads (lifecycle-choice.ts). */
  constructor(readonly spec: SymbolSpec, overrides: ParamOverrides = {}, lifecycle?: LifecycleKind) {
    const p = (this.params = withDefaults(overrides));
    const symbol = spec.symbol;
    this.lifecycle = createLifecycle(spec, p.lifecycle, lifecycle);
    this.layering = new LayeringDetector(symbol, p.layering);
    this.stuffing = new QuoteStuffingDetector(symbol, p.quoteStuffing);
    this.momentum = new MomentumIgnitionDetector(symbol, p.momentumIgnition);
    this.wash = new WashTradingDetector(symbol, p.washTrading);
    this.pressure = new BookPressureDetector(symbol, p.bookPressure);
    this.gaps = new LiquidityGapDetector(symbol, spec.tickSize, p.liquidityGap);
  }

  process(events: readonly MarketEvent[]): Alert[] {
    if (this.disposed) throw new Error(`surveillance engine used after dispose: symbol=${this.spec.symbol}`);
    const out: Alert[] = [];
    const life = this.lifecycle;
    for (const e of events) {
      if (e.symbol !== this.spec.symbol) throw new Error(`event for another symbol: engine=${this.spec.symbol}, event=${e.symbol}`);
      if (e.kind === "trade") {
        life.onTrade(e);
        this.wash.onTrade(e);
        this.momentum.onTrade(e.exchTsMs, e.qty, e.side === "buy");
        push(out, this.stuffing.onTrade(e.exchTsMs));
        continue;
      }
      // Wash pairs are judged against the book before this frame changed it, then the frame.
      const washAlerts = this.wash.onBook(e, this.lastChange);
      for (const a of washAlerts) out.push(a);
      life.onBook(e);
      if (life.opened.length > 0) this.noteOpened(e.exchTsMs);
      if (life.closed.length > 0) this.judgeEpisodes(out);
      this.releaseHeld(e.exchTsMs, out);
      push(out, this.stuffing.onBook(life.counts, e.exchTsMs));
      push(out, this.momentum.onMid(e.exchTsMs, life.mid2));
      push(out, this.pressure.onBook(e));
      const gapAlerts = this.gaps.onBook(e);
      for (const a of gapAlerts) out.push(a);
    }
    return out;
  }

  /** Emits what is still held (spoofing candidates, settling episodes): end of a recording. */
  flush(): Alert[] {
    const out: Alert[] = [];
    this.lifecycle.flush();
    this.judgeEpisodes(out);
    this.releaseHeld(Infinity, out);
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.held = [];
    this.lifecycle.dispose();
  }

  private judgeEpisodes(out: Alert[]): void {
    const closed = this.lifecycle.closed;
    for (const ep of closed) {
      const layered = this.layering.onEpisode(ep);
      if (layered) {
        const members = new Set(layered.members);
        this.held = this.held.filter((h) => h.episodes === layered.members || !h.episodes.some((x) => members.has(x)));
        if (layered.isNew) {
          const group = layered.members;
          this.held.push({ episodes: group, side: ep.side, endTsMs: ep.endTsMs, alert: () => this.layering.alert(group), requoteCheck: false });
        }
        continue;
      }
      const m = spoofMeasures(ep, this.params.spoofing);
      if (m) {
        const alert = spoofAlert(this.spec.symbol, ep, m, this.params.spoofing);
        this.held.push({ episodes: [ep], side: ep.side, endTsMs: ep.endTsMs, alert: () => alert, requoteCheck: true });
      }
    }
    closed.length = 0;
  }

  private releaseHeld(ts: number, out: Alert[]): void {
    if (this.held.length === 0) return;
    const holdMs = this.params.spoofing.holdMs;
    let w = 0;
    for (const h of this.held) {
      // Held from the latest member's cancel, so a group's later layers can still join.
      let endTsMs = -Infinity;
      for (const e of h.episodes) endTsMs = Math.max(endTsMs, e.endTsMs);
      if (ts - endTsMs < holdMs) this.held[w++] = h;
      else if (!(h.requoteCheck && this.requoted(h))) out.push(h.alert());
    }
    this.held.length = w;
  }

  private noteOpened(ts: number): void {
    const keepMs = this.params.spoofing.requoteMs + this.params.spoofing.holdMs + this.params.spoofing.maxLifetimeMs;
    for (const ep of this.lifecycle.opened) this.recentLarge[ep.side]!.push(ep);
    this.lifecycle.opened.length = 0;
    for (const list of this.recentLarge) {
      let w = 0;
      for (const ep of list) if (ts - ep.startTsMs <= keepMs) list[w++] = ep;
      list.length = w;
    }
  }

  /** Did comparable large liquidity reappear on the same side around the cancel? */
  private requoted(h: Held): boolean {
    const p = this.params.spoofing;
    let qty = 0, heldQty = 0, lo = Infinity, hi = -Infinity;
    for (const ep of h.episodes) {
      heldQty += ep.addedQty;
      lo = Math.min(lo, ep.priceTicks);
      hi = Math.max(hi, ep.priceTicks);
    }
    for (const ep of this.recentLarge[h.side]!) {
      if (h.episodes.includes(ep)) continue;
      // A re-quote lands near the pulled order (it follows the price), not anywhere on the side.
      if (ep.priceTicks < lo - p.requoteTicks || ep.priceTicks > hi + p.requoteTicks) continue;
      if (ep.startTsMs >= h.endTsMs - p.requoteMs && ep.startTsMs <= h.endTsMs + p.holdMs) qty += ep.addedQty;
    }
    return qty >= p.requoteFraction * heldQty;
  }
}

function push(out: Alert[], alert: Alert | null): void {
  if (alert !== null) out.push(alert);
}

/** `CreateSurveillanceEngine` with optional parameter overrides (see params.ts) and lifecycle implementation. */
export function createSurveillanceEngine(spec: SymbolSpec, params: ParamOverrides = {}, lifecycle?: LifecycleKind): DetectorEngine {
  return new DetectorEngine(spec, params, lifecycle);
}
