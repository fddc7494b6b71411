/**
 * "Did the other side trade unusually while this order rested?" The point
 * of a spoof is the manipulator's real trading on the other side, so the
 * spoofing and layering detectors ask how far the aggressive volume against
 * that side during the order's life stands above what the side usually
 * trades in as long.
 *
 * Aggressive flow is bursty and heavy-tailed (one taker order can sweep
 * more than a minute of ordinary volume), so the test is robust by design:
 * - an aggressive *event* is the prints of one side sharing an exchange
 *   millisecond (one taker order walking levels prints several trades);
 * - each event counts at most a cap, the size the side's events exceed
 *   about `capRatePerSec` times a second (a quantile of recent event sizes
 *   that depends on the side's event rate: p93 at 1.4 events a second,
 *   p99 at 14; at least `capMedians` median events), and the largest event
 *   in the window is left out (trimmed): one honest sweep cannot make an
 *   alert, sustained trading can (momentum ignition reads the untrimmed
 *   `zCapped`: there one sweep is the point), unless the window holds
 *   several outsized events (each `outsizedCapMultiple` x the cap or more,
 *   at least `minOutsizedEvents` of them, a count the baseline's rate of such
 *   events gives a Poisson tail of at most `maxOutsizedTail`): then no single
 *   sweep explains the excess, and trimming would throw away a third of a
 *   manipulator's few large prints;
 * - the window sum W is compared with its compound-Poisson expectation from
 *   the baseline (the side's events over `baselineMs` before the order was
 *   placed): z = (W - lambda L m1) / sqrt(lambda L m2), lambda events per
 *   ms, m1 and m2 the first two moments of the capped event size.
 * Flagged windows are excluded from later baselines (`exclude`), so a
 * manipulator who repeats the pattern does not teach the detector that it
 * is normal. Momentum pushes (`markPush`: a run the momentum ignition
 * detector took for an igniter's, and its unwind) can be left out of a tested window
 * (`skipPushes`): the resting-order detectors look for a spoofer's own
 * trading, and a push is another scheme's footprint, not evidence that an
 * order resting meanwhile was fake. The Poisson variance understates
 * clustered flow, so z is a ranking with a threshold checked on data, not a
 * p-value. Cost: O(1) per trade; a test walks the baseline window twice
 * (only closed large episodes that passed every cheaper check get tested).
 */
import type { AggressorFlowParams } from "../params.ts";
import { round } from "./make-alert.ts";
import { RollingSample } from "../rolling.ts";
import { forgetSpansBefore, spansContain } from "../spans.ts";

export interface FlowTest {
  /** Winsorised aggressive volume in the window, trimmed of its largest event unless several events were outsized. */
  readonly windowQty: number;
  /** Whether the window's largest event was left out of windowQty and z (false when several events were outsized). */
  readonly trimmed: boolean;
  /** Winsorised volume in the window, the largest event included, and its z against the same baseline. */
  readonly cappedQty: number;
  readonly zCapped: number;
  /** Its expectation and standard deviation under the baseline. */
  readonly expectedQty: number;
  readonly sdQty: number;
  readonly z: number;
  /** Events in the window, and the cap per event. */
  readonly events: number;
  readonly capQty: number;
  /** Window events of at least outsizedCapMultiple x the cap, and how many the baseline's rate of them expects in as long. */
  readonly outsizedEvents: number;
  readonly outsizedExpected: number;
}


class SideFlow {
  ts: number[] = [];
  qty: number[] = [];
  head = 0;
  /** Next event to offer to the size sample. */
  commit = 0;
  /** Excluded windows: flat [fromTsMs, toTsMs]. */
  excluded: number[] = [];
  /** Momentum pushes against this side: flat [fromTsMs, toTsMs]. */
  pushes: number[] = [];
  readonly sizes = new RollingSample(4096, 256);
  firstTsMs = NaN;
}

export class AggressorFlow {
  /** Per book side [bid, ask]: the aggressors that traded against it (sellers hit bids, buyers lift asks). */
  private readonly sides = [new SideFlow(), new SideFlow()];

  constructor(private readonly p: AggressorFlowParams) {}

  /** A print against `bookSide` (0 bid, 1 ask), in arrival order (a late print out of exchange-time order is kept where it came). */
  onTrade(bookSide: number, tsMs: number, qty: number): void {
    const s = this.sides[bookSide]!;
    if (Number.isNaN(s.firstTsMs)) s.firstTsMs = tsMs;
    const n = s.ts.length;
    if (n > s.head && s.ts[n - 1] === tsMs) s.qty[n - 1]! += qty;
    else {
      s.ts.push(tsMs);
      s.qty.push(qty);
    }
    this.advance(s, tsMs);
  }

  /** Leaves [fromTsMs, toTsMs] of `bookSide` out of later baselines (a flagged manipulation window). */
  exclude(bookSide: number, fromTsMs: number, toTsMs: number): void {
    this.sides[bookSide]!.excluded.push(fromTsMs, toTsMs);
  }

  /**
   * [fromTsMs, toTsMs] of `bookSide` is a momentum push: the events in it are left out of windows
   * tested with skipPushes. Marking the latest push again with a later end extends it.
   */
  markPush(bookSide: number, fromTsMs: number, toTsMs: number): void {
    const spans = this.sides[bookSide]!.pushes, n = spans.length;
    if (n > 0 && spans[n - 2] === fromTsMs) spans[n - 1] = Math.max(spans[n - 1]!, toTsMs);
    else spans.push(fromTsMs, toTsMs);
  }

  /**
   * Tests the aggressive flow against `bookSide` over [fromTsMs, toTsMs]; null while the baseline is
   * too thin. `skipPushes`: the window leaves out the events of marked momentum pushes.
   */
  test(bookSide: number, fromTsMs: number, toTsMs: number, skipPushes = false): FlowTest | null {
    const s = this.sides[bookSide]!;
    const p = this.p;
    if (s.sizes.count < p.minBaselineEvents) return null;
    const baseFrom = Math.max(fromTsMs - p.baselineMs, s.firstTsMs);
    const baseMs = Math.max(1, fromTsMs - baseFrom - this.excludedMs(s, baseFrom, fromTsMs));
    let n = 0;
    for (let i = s.head; i < s.ts.length && s.ts[i]! < fromTsMs; i++) if (s.ts[i]! >= baseFrom && !this.isExcluded(s, s.ts[i]!)) n++;
    if (n < p.minBaselineEvents) return null;
    // The cap: a size the side's events exceed about capRatePerSec times a second, whatever its event rate.
    const ratePerSec = (1000 * n) / baseMs;
    // ...and never below capMedians typical events (a flow of near-identical orders would cap every outlier to one of them).
    const cap = Math.max(s.sizes.quantile(Math.min(0.999, Math.max(0.5, 1 - p.capRatePerSec / ratePerSec))), p.capMedians * s.sizes.median());
    if (!(cap > 0)) return null;
    const outsizedQty = p.outsizedCapMultiple * cap;
    let m1 = 0, m2 = 0, w = 0, maxW = 0, events = 0, outsized = 0, baseOutsized = 0;
    for (let i = s.head; i < s.ts.length; i++) {
      const t = s.ts[i]!;
      // Not `break` past toTsMs: a print the feed delivered late can sit out of order.
      if (t < baseFrom || t > toTsMs) continue;
      const raw = s.qty[i]!;
      const q = Math.min(raw, cap);
      if (t >= fromTsMs) {
        if (skipPushes && spansContain(s.pushes, t)) continue;
        w += q;
        if (q > maxW) maxW = q;
        events++;
        if (raw >= outsizedQty) outsized++;
      } else if (!this.isExcluded(s, t)) {
        m1 += q;
        m2 += q * q;
        if (raw >= outsizedQty) baseOutsized++;
      }
    }
    const lambdaL = (n / baseMs) * Math.max(1, toTsMs - fromTsMs);
    const expectedQty = (lambdaL * m1) / n;
    const sdQty = Math.sqrt((lambdaL * m2) / n);
    const outsizedExpected = (lambdaL * baseOutsized) / n;
    const several = outsized >= p.minOutsizedEvents && poissonTail(outsized, outsizedExpected) <= p.maxOutsizedTail;
    const windowQty = several ? w : w - maxW;
    const zOf = (qty: number) => (sdQty > 0 ? (qty - expectedQty) / sdQty : 0);
    return { windowQty, trimmed: !several, cappedQty: w, zCapped: zOf(w), expectedQty, sdQty, z: zOf(windowQty), events, capQty: cap, outsizedEvents: outsized, outsizedExpected };
  }

  clear(): void {
    this.sides[0] = new SideFlow();
    this.sides[1] = new SideFlow();
  }

  private isExcluded(s: SideFlow, tsMs: number): boolean {
    return spansContain(s.excluded, tsMs);
  }

  /** Excluded time inside [from, to), ms (windows rarely overlap; overlap is counted twice, which only widens the baseline slightly). */
  private excludedMs(s: SideFlow, from: number, to: number): number {
    const e = s.excluded;
    let ms = 0;
    for (let i = 0; i < e.length; i += 2) ms += Math.max(0, Math.min(to, e[i + 1]!) - Math.max(from, e[i]!));
    return ms;
  }

  /** Commits matured events to the size sample, drops what no baseline can reach, compacts now and then. */
  private advance(s: SideFlow, nowTsMs: number): void {
    const p = this.p;
    while (s.commit < s.ts.length - 1 && nowTsMs - s.ts[s.commit]! >= p.commitDelayMs) {
      if (!this.isExcluded(s, s.ts[s.commit]!)) s.sizes.push(s.qty[s.commit]!);
      s.commit++;
    }
    // Keep what a window up to commitDelayMs old plus its baseline can reach.
    const horizon = nowTsMs - p.baselineMs - 2 * p.commitDelayMs;
    while (s.head < s.commit && s.ts[s.head]! < horizon) s.head++;
    if (s.head > 4096 && s.head * 2 > s.ts.length) {
      s.ts = s.ts.slice(s.head);
      s.qty = s.qty.slice(s.head);
      s.commit -= s.head;
      s.head = 0;
    }
    forgetSpansBefore(s.excluded, horizon);
    forgetSpansBefore(s.pushes, horizon);
  }
}

/** P(N >= k) for N ~ Poisson(mu): 0 for k >= 1 when mu is 0. Terms in log space, so a large mu does not underflow exp(-mu). */
export function poissonTail(k: number, mu: number): number {
  if (k <= 0) return 1;
  const logMu = Math.log(mu);
  let logTerm = -mu, below = 0;
  for (let i = 0; i < k; i++) {
    below += Math.exp(logTerm);
    logTerm += logMu - Math.log(i + 1);
  }
  return Math.max(0, 1 - below);
}

export interface FlowEvidence {
  readonly windowQty: number;
  readonly expectedQty: number;
  readonly z: number;
  readonly events: number;
  readonly capQty: number;
  readonly outsizedEvents: number;
  readonly outsizedExpected: number;
  readonly trimmed: boolean;
}

/** A test as alert evidence (spoofing and layering). */
export function flowEvidence(t: FlowTest): FlowEvidence {
  return {
    windowQty: round(t.windowQty),
    expectedQty: round(t.expectedQty),
    z: round(t.z, 3),
    events: t.events,
    capQty: round(t.capQty),
    outsizedEvents: t.outsizedEvents,
    outsizedExpected: round(t.outsizedExpected, 3),
    trimmed: t.trimmed,
  };
}
