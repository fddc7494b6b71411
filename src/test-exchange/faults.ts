/**
 * Fault injection for the test exchange. Faults change only what is SENT:
 * the exchange's own book always applies every recorded diff, in order, so
 * tests can check that a client recovers to exactly the exchange's book.
 * Random choices come from a seeded generator: the same seed and the same
 * sequence of faults give the same frames.
 */
import { Sfc32 } from "../../actors/feed/sim/prng.ts";
import type { StreamGroup } from "./timeline.ts";

export type MalformedVariant = "garbage" | "truncated" | "wrongTypes" | "crossed" | "negative";

export type Fault =
  /** Of the next `next` diffs (of `symbol`, or any), drop each with `probability` (default 1). */
  | { readonly kind: "dropDiffs"; readonly next: number; readonly probability?: number; readonly symbol?: string }
  /** Send each of the next `next` diffs twice. */
  | { readonly kind: "duplicateDiffs"; readonly next: number; readonly symbol?: string }
  /** Swap the next `pairs` pairs of adjacent diffs of one symbol. */
  | { readonly kind: "reorderDiffs"; readonly pairs: number; readonly symbol?: string }
  /**
   * Malformed frames: garbage, truncated JSON and wrong types are sent in
   * addition to the next diffs; crossed and negative levels replace them
   * (the client must resync to recover the real one).
   */
  | { readonly kind: "malformed"; readonly variant: MalformedVariant; readonly next: number; readonly symbol?: string }
  /** Every open connection (of `group`) is cut after `afterFrames` more frames (TCP reset, no close frame). */
  | { readonly kind: "disconnect"; readonly afterFrames: number; readonly group?: StreamGroup }
  /** Every open connection (of `group`) goes silent for `ms`: open, but sent nothing (frames are lost). */
  | { readonly kind: "stall"; readonly ms: number; readonly group?: StreamGroup }
  /** The server closes every open connection (of `group`) now, as Binance does at 24 h. */
  | { readonly kind: "forceClose"; readonly group?: StreamGroup }
  /** The next `count` depth requests fail with `status` (429 carries Retry-After). */
  | { readonly kind: "restError"; readonly status: number; readonly count: number; readonly retryAfterSec?: number }
  /** The next `count` depth snapshots are taken on request but answered `ms` later. */
  | { readonly kind: "delaySnapshot"; readonly ms: number; readonly count?: number };

/** What to send for one published diff. */
export interface DiffPlan {
  /** Texts to send now, in order (empty: dropped or held back for reordering). */
  readonly texts: string[];
  readonly dropped: boolean;
}

export interface FaultCounters {
  dropped: number;
  duplicated: number;
  reordered: number;
  malformed: number;
  disconnects: number;
  stalls: number;
  forcedCloses: number;
  restErrors: number;
  delayedSnapshots: number;
}

interface Remaining<T extends Fault> {
  fault: T;
  left: number;
}

type DiffFault = Extract<Fault, { kind: "dropDiffs" | "duplicateDiffs" | "reorderDiffs" | "malformed" }>;

export class DiffFaults {
  private readonly rng: Sfc32;
  private active: Remaining<DiffFault>[] = [];
  /** Per symbol, a diff held back to be sent after the next one. */
  private readonly held = new Map<string, string>();

  constructor(
    seed: number,
    private readonly counters: FaultCounters,
  ) {
    this.rng = Sfc32.seeded(seed, 0xfa17);
  }

  add(fault: DiffFault): void {
    const left = fault.kind === "reorderDiffs" ? fault.pairs : fault.next;
    if (left > 0) this.active.push({ fault, left });
  }

  get pending(): number {
    return this.active.length + this.held.size;
  }

  /** Decides what goes out for one diff of `symbol` whose recorded text is `text`. */
  plan(symbol: string, text: string): DiffPlan {
    const held = this.held.get(symbol);
    if (held !== undefined) {
      this.held.delete(symbol);
      return { texts: [text, held], dropped: false };
    }
    const entry = this.active.find((e) => e.fault.symbol === undefined || e.fault.symbol === symbol);
    if (!entry) return { texts: [text], dropped: false };
    if (--entry.left <= 0) this.active.splice(this.active.indexOf(entry), 1);
    const fault = entry.fault;
    switch (fault.kind) {
      case "dropDiffs":
        if (this.rng.nextFloat() < (fault.probability ?? 1)) {
          this.counters.dropped++;
          return { texts: [], dropped: true };
        }
        return { texts: [text], dropped: false };
      case "duplicateDiffs":
        this.counters.duplicated++;
        return { texts: [text, text], dropped: false };
      case "reorderDiffs":
        this.counters.reordered++;
        this.held.set(symbol, text);
        return { texts: [], dropped: false };
      case "malformed":
        this.counters.malformed++;
        return this.malformed(fault.variant, text);
    }
  }

  private malformed(variant: MalformedVariant, text: string): DiffPlan {
    switch (variant) {
      case "garbage":
        return { texts: [`\u0000garbage ${this.rng.nextU32().toString(16)} }{`, text], dropped: false };
      case "truncated":
        return { texts: [text.slice(0, 1 + this.rng.nextInt(text.length - 1)), text], dropped: false };
      case "wrongTypes":
        return { texts: [text.replace(/"u":(\d+)/, '"u":"$1"').replace(/"pu":(\d+)/, '"pu":"$1"'), text], dropped: false };
      case "negative":
        return { texts: [corruptFirstLevel(text, (price) => [price, "-1.000"])], dropped: true };
      case "crossed":
        return { texts: [crossTheBook(text)], dropped: true };
    }
  }
}

/** Replaces the first level of the diff (bids first, else asks). */
function corruptFirstLevel(text: string, change: (price: string, qty: string) => [string, string]): string {
  const parsed = JSON.parse(text) as { data: { b: [string, string][]; a: [string, string][] } };
  const side = parsed.data.b.length > 0 ? parsed.data.b : parsed.data.a;
  if (side.length === 0) parsed.data.b.push(change("1.0", "1.0"));
  else side[0] = change(side[0]![0], side[0]![1]);
  return JSON.stringify(parsed);
}

/** Adds a bid far above every ask the diff carries (or above an absurd price): the book crosses. */
function crossTheBook(text: string): string {
  const parsed = JSON.parse(text) as { data: { b: [string, string][]; a: [string, string][] } };
  const highest = Math.max(1e6, ...parsed.data.a.map(([p]) => Number(p)), ...parsed.data.b.map(([p]) => Number(p)));
  parsed.data.b.push([(highest * 10).toFixed(2), "1.000"]);
  return JSON.stringify(parsed);
}

export function newFaultCounters(): FaultCounters {
  return { dropped: 0, duplicated: 0, reordered: 0, malformed: 0, disconnects: 0, stalls: 0, forcedCloses: 0, restErrors: 0, delayedSnapshots: 0 };
}

/** Pending REST faults, consumed one depth request at a time. */
export class RestFaults {
  private errors: Remaining<Extract<Fault, { kind: "restError" }>>[] = [];
  private delays: Remaining<Extract<Fault, { kind: "delaySnapshot" }>>[] = [];

  add(fault: Extract<Fault, { kind: "restError" | "delaySnapshot" }>): void {
    if (fault.kind === "restError") this.errors.push({ fault, left: fault.count });
    else this.delays.push({ fault, left: fault.count ?? 1 });
  }

  nextError(): { status: number; retryAfterSec?: number } | undefined {
    return take(this.errors);
  }

  nextDelayMs(): number {
    return take(this.delays)?.ms ?? 0;
  }
}

function take<T extends Fault>(queue: Remaining<T>[]): T | undefined {
  const entry = queue[0];
  if (!entry) return undefined;
  if (--entry.left <= 0) queue.shift();
  return entry.fault;
}
