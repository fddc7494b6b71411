import { describe, expect, test } from "bun:test";
import type { Alert } from "../alert.ts";
import { withDefaults } from "../params.ts";
import { AggressorFlow } from "./aggressor-flow.ts";
import { cadenceCv, MomentumIgnitionDetector, steadiestCadenceCv } from "./momentum-ignition.ts";
import { PriceReach } from "./price-reach.ts";

const P = withDefaults();

/** Wires the detector to its shared measures the way engine.ts does, on a hand-made tape. */
class Tape {
  readonly flow = new AggressorFlow(P.aggressorFlow);
  readonly reach = new PriceReach(P.priceReach);
  readonly detector = new MomentumIgnitionDetector("TEST", P.momentumIgnition, this.flow, this.reach);
  readonly alerts: Alert[] = [];
  bid = 1000;
  ask = 1001;

  trade(tsMs: number, priceTicks: number, qty: number, buy: boolean): void {
    this.flow.onTrade(buy ? 1 : 0, tsMs, qty);
    this.detector.onTrade(tsMs, priceTicks, qty, buy);
  }

  touch(tsMs: number, bid = this.bid, ask = this.ask): void {
    this.bid = bid;
    this.ask = ask;
    this.reach.onMid(tsMs, bid + ask);
    const alert = this.detector.onTouch(tsMs, bid, ask);
    if (alert) this.alerts.push(alert);
  }

  /** Five quiet minutes: one small taker order a side every second, the mid ticking up and down a tick. */
  quiet(fromMs: number, toMs: number): void {
    for (let t = fromMs; t < toMs; t += 250) {
      const phase = Math.floor(t / 250) % 8;
      if (phase === 0) this.trade(t, this.ask, 1, true);
      if (phase === 4) this.trade(t, this.bid, 1, false);
      const shift = phase < 4 ? 0 : 1;
      this.touch(t, 1000 + shift, 1001 + shift);
    }
    this.touch(toMs, 1000, 1001);
  }

  /** Buy taker orders at `atMs`, each walking `ticksPerStep` levels of `qty` from the current ask; the ask follows. */
  push(atMs: readonly number[], ticksPerStep: readonly number[], qty: readonly number[]): void {
    atMs.forEach((t, i) => {
      for (let k = 0; k < ticksPerStep[i]!; k++) this.trade(t, this.ask + k, qty[i]! / ticksPerStep[i]!, true);
      this.touch(t + 1, this.bid, this.ask + ticksPerStep[i]!);
    });
  }

  high(): Alert[] {
    return this.alerts.filter((a) => a.score >= 50);
  }
}

const T0 = 300_000;

/** A steady push: five orders 40 ms apart (+-3 ms), two levels each, 6 lots each: ask 1001 -> 1011. */
const STEADY = { atMs: [T0, T0 + 42, T0 + 79, T0 + 121, T0 + 160], ticks: [2, 2, 2, 2, 2], lots: [6, 6, 6, 6, 6] };

interface Scenario {
  readonly push: { atMs: number[]; ticks: number[]; lots: number[] };
  /** When the push has peaked and holds. */
  readonly peakMs: number;
  /** Sells at the bid after the peak: [tsMs, lots]. */
  readonly unwind: readonly [number, number][];
  /** When the asks are back where they were (then once more 400 ms later). */
  readonly backMs: number;
}

/** Five quiet minutes, the push, its hold, the sells the other way, the asks back: the alerts. */
function play(sc: Scenario): Tape {
  const tape = new Tape();
  tape.quiet(0, T0);
  tape.push(sc.push.atMs, sc.push.ticks, sc.push.lots);
  tape.touch(sc.peakMs);
  for (const [t, lots] of sc.unwind) tape.trade(t, 1000, lots, false);
  tape.touch(sc.backMs, 1000, 1001);
  tape.touch(sc.backMs + 400, 1000, 1001);
  return tape;
}

describe("momentum ignition", () => {
  test("a steady push, held, then unwound the other way as the liquidity returns, alerts >= 50", () => {
    // The igniter sells 24 lots (0.8 of the push) at the bid, then the asks come back where they were.
    const high = play({ push: STEADY, peakMs: T0 + 400, unwind: [[T0 + 700, 8], [T0 + 750, 8], [T0 + 800, 8]], backMs: T0 + 900 }).high();
    expect(high).toHaveLength(1);
    expect(high[0]!.side).toBe("ask");
    expect(high[0]!.evidence.moveTicks).toBe(10);
    expect(high[0]!.evidence.takerOrders).toBe(5);
  });

  test("an honest cascade (accelerating, uneven prints) that reverses as liquidity returns stays below 50", () => {
    // Gaps 200, 90, 30, 8 ms, sizes 2..15 lots: stops and liquidations feeding on each other. Sellers at
    // the peak take 12 lots (0.32 of the run) as it turns: only the cadence tells it apart.
    const cascade = { atMs: [T0, T0 + 200, T0 + 290, T0 + 320, T0 + 328], ticks: [1, 1, 2, 3, 3], lots: [2, 3, 6, 15, 12] };
    const tape = play({ push: cascade, peakMs: T0 + 600, unwind: [[T0 + 800, 4], [T0 + 850, 4], [T0 + 900, 4]], backMs: T0 + 1000 });
    expect(tape.alerts.length).toBeGreaterThan(0); // reported as context...
    expect(tape.high()).toHaveLength(0); // ...not as worth a look
  });

  test("the same steady push without the unwind stays below 50", () => {
    expect(play({ push: STEADY, peakMs: T0 + 400, unwind: [], backMs: T0 + 900 }).high()).toHaveLength(0);
  });

  test("a market turning over five times the push at once is no igniter's unwind: below 50", () => {
    const tape = play({ push: STEADY, peakMs: T0 + 400, unwind: [[T0 + 700, 150]], backMs: T0 + 900 });
    expect(tape.alerts.length).toBeGreaterThan(0);
    expect(tape.high()).toHaveLength(0);
  });

  test("a push is marked on the aggressor flow: at once when steady, at its reversal when not, never when it neither is steady nor reverses", () => {
    // What spoofing and layering see of the ask side's flow over the push, with the pushes left out.
    const seen = (tape: Tape) => tape.flow.test(1, T0 - 1, T0 + 200, true)!.cappedQty;
    const all = (tape: Tape) => tape.flow.test(1, T0 - 1, T0 + 200)!.cappedQty;
    const steady = new Tape();
    steady.quiet(0, T0);
    steady.push(STEADY.atMs, STEADY.ticks, STEADY.lots);
    expect(all(steady)).toBeGreaterThan(0);
    expect(seen(steady)).toBe(0); // qualified: marked before any reversal
    const cascade = { atMs: [T0, T0 + 200, T0 + 290, T0 + 320, T0 + 328], ticks: [1, 1, 2, 3, 3], lots: [2, 3, 6, 15, 12] };
    const uneven = new Tape();
    uneven.quiet(0, T0);
    uneven.push(cascade.atMs, cascade.ticks, cascade.lots);
    uneven.touch(T0 + 600);
    expect(seen(uneven)).toBe(all(uneven)); // not steady, not reversed yet: still counted
    uneven.touch(T0 + 1000, 1000, 1001); // back where it was after holding: a reversal
    expect(seen(uneven)).toBe(0);
  });

  test("the igniter's unwind, the other way, is marked too once it comes, whatever its share once the push was taken for an igniter's; a market turning over is not", () => {
    // What spoofing and layering see of the bid side's flow (the sells) after the push.
    const seen = (tape: Tape) => tape.flow.test(0, T0 + 300, T0 + 1000, true)!.cappedQty;
    const all = (tape: Tape) => tape.flow.test(0, T0 + 300, T0 + 1000)!.cappedQty;
    const unwound = play({ push: STEADY, peakMs: T0 + 400, unwind: [[T0 + 700, 8], [T0 + 750, 8], [T0 + 800, 8]], backMs: T0 + 900 });
    expect(all(unwound)).toBeGreaterThan(0);
    expect(seen(unwound)).toBe(0);
    // 6 lots (0.2 of the push) are too little for an alert, but the steady push reversed: what it
    // traded back is the igniter's, not a spoofer's, and is marked when the wait for more is over.
    const small = play({ push: STEADY, peakMs: T0 + 400, unwind: [[T0 + 700, 6]], backMs: T0 + 900 });
    expect(seen(small)).toBe(all(small)); // still waiting for the unwind: counted
    small.touch(T0 + 2000, 1000, 1001);
    expect(small.alerts).toHaveLength(1);
    expect(small.high()).toHaveLength(0);
    expect(all(small)).toBeGreaterThan(0);
    expect(seen(small)).toBe(0);
    // 150 lots (five times the push) at once is a market turning over, not the igniter: not marked.
    const turnover = play({ push: STEADY, peakMs: T0 + 400, unwind: [[T0 + 700, 150]], backMs: T0 + 900 });
    expect(seen(turnover)).toBe(all(turnover));
  });

  test("a push refilled before its hold is marked once the unwind follows (no alert), never without it; a steady one's small unwind is marked at the end of the wait", () => {
    const seen = (tape: Tape) => tape.flow.test(1, T0 - 1, T0 + 400, true)!.cappedQty;
    const all = (tape: Tape) => tape.flow.test(1, T0 - 1, T0 + 400)!.cappedQty;
    // The uneven run (38 lots) qualifies, then the asks are back 72 ms after its last order: a refill.
    const refilled = (unwindLots: number): Tape => {
      const tape = new Tape();
      tape.quiet(0, T0);
      const cascade = { atMs: [T0, T0 + 200, T0 + 290, T0 + 320, T0 + 328], ticks: [1, 1, 2, 3, 3], lots: [2, 3, 6, 15, 12] };
      tape.push(cascade.atMs, cascade.ticks, cascade.lots);
      tape.touch(T0 + 400, 1000, 1001);
      if (unwindLots > 0) tape.trade(T0 + 600, 1000, unwindLots, false);
      tape.touch(T0 + 650, 1000, 1001);
      tape.touch(T0 + 1500, 1000, 1001);
      return tape;
    };
    const unwound = refilled(12); // 0.32 of the run sold back at the bid
    expect(all(unwound)).toBeGreaterThan(0);
    expect(seen(unwound)).toBe(0);
    expect(unwound.alerts).toHaveLength(0);
    // ...and the sells themselves, against the bids.
    expect(unwound.flow.test(0, T0 + 400, T0 + 700)!.cappedQty).toBeGreaterThan(0);
    expect(unwound.flow.test(0, T0 + 400, T0 + 700, true)!.cappedQty).toBe(0);
    const plain = refilled(0);
    expect(seen(plain)).toBe(all(plain));
    expect(plain.alerts).toHaveLength(0);
    // The uneven run's 6 lots sold back (0.16 of it): no unwind, and the run was never taken for an igniter's.
    const little = refilled(6);
    expect(little.flow.test(0, T0 + 400, T0 + 700, true)!.cappedQty).toBe(little.flow.test(0, T0 + 400, T0 + 700)!.cappedQty);
    // The steady push (marked at once) refilled, 6 lots (0.2 of it) sold back: marked when the wait ends.
    const steady = new Tape();
    steady.quiet(0, T0);
    steady.push(STEADY.atMs, STEADY.ticks, STEADY.lots);
    steady.touch(T0 + 200, 1000, 1001); // refilled 40 ms after the last order
    steady.trade(T0 + 600, 1000, 6, false);
    steady.touch(T0 + 650, 1000, 1001);
    const sells = (skip: boolean) => steady.flow.test(0, T0 + 400, T0 + 700, skip)!.cappedQty;
    expect(sells(true)).toBe(sells(false)); // within unwindGraceMs: still counted
    steady.touch(T0 + 1300, 1000, 1001);
    expect(sells(false)).toBeGreaterThan(0);
    expect(sells(true)).toBe(0);
    expect(steady.alerts).toHaveLength(0);
  });

  test("a push refilled for a moment and pushed back to its peak is followed as before: its reversal alerts", () => {
    const tape = new Tape();
    tape.quiet(0, T0);
    tape.push(STEADY.atMs, STEADY.ticks, STEADY.lots);
    tape.touch(T0 + 200, 1000, 1001); // the asks refilled 40 ms after the last order...
    tape.touch(T0 + 250, 1000, 1011); // ...and taken away again: the move stands
    tape.touch(T0 + 400);
    for (const [t, lots] of [[T0 + 700, 8], [T0 + 750, 8], [T0 + 800, 8]] as const) tape.trade(t, 1000, lots, false);
    tape.touch(T0 + 900, 1000, 1001);
    tape.touch(T0 + 1300, 1000, 1001);
    expect(tape.high()).toHaveLength(1);
  });

  test("cadence: a metronome is steady, a leading stray order is trimmed, an accelerating run is not steady", () => {
    expect(cadenceCv([0, 40, 80, 120])).toBe(0);
    expect(cadenceCv([0, 200, 290, 320, 328])).toBeGreaterThan(0.8);
    expect(steadiestCadenceCv([0, 700, 740, 781, 820], 4)).toBeLessThan(0.05);
    expect(steadiestCadenceCv([0, 200, 290, 320, 328], 4)).toBeGreaterThan(P.momentumIgnition.maxCadenceCv);
  });
});
