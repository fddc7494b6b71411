/**
 * Which order-lifecycle implementation a DetectorEngine runs: the native
 * one (libgenesis, native-lifecycle.ts) when the library loads, else the
 * TypeScript one (lifecycle.ts), which stays the reference. Both produce
 * the same counts, touches and episodes, bit for bit
 * (native-lifecycle.test.ts), so the choice changes speed, never alerts.
 */
import type { BookUpdate, SymbolSpec, Trade } from "../../src/switchboard.ts";
import { Lifecycle, type Episode, type UpdateCounts } from "./lifecycle.ts";
import { nativeLifecycleLibrary, nativeLifecycleStatus } from "./native-lifecycle-lib.ts";
import { NativeLifecycle } from "./native-lifecycle.ts";
import type { LifecycleParams } from "./params.ts";

export type LifecycleKind = "native" | "ts";

/** What the detector engine reads and calls: the public surface of lifecycle.ts's Lifecycle. */
export interface OrderLifecycle {
  readonly kind: LifecycleKind;
  readonly spec: SymbolSpec;
  /** Closed, settled large episodes released by the last update; the caller drains it. */
  readonly closed: Episode[];
  /** Episodes that became large during the last update (the caller drains it). */
  readonly opened: Episode[];
  readonly counts: UpdateCounts;
  /** Aggressive volume so far: [sell aggressors (hit bids), buy aggressors (lifted asks)]. */
  readonly cumAggressorQty: readonly number[];
  readonly bestBidTicks: number;
  readonly bestAskTicks: number;
  readonly mid2: number;
  readonly nowTsMs: number;
  refQty(): number;
  volTicks(): number;
  lastChangeTsMs(side: number, priceTicks: number): number;
  qtyAt(side: number, priceTicks: number): number;
  onTrade(trade: Trade): void;
  onBook(update: BookUpdate): void;
  flush(): void;
  /** The clock reached tsMs without an event: releases the episodes settled by then. */
  advance(tsMs: number): void;
  clear(): void;
  /** Releases what the instance holds: native, the handle (any later call throws); ts, clears it. */
  dispose(): void;
}

/** The TypeScript lifecycle; dispose() only clears it (it holds no native memory). */
export class TsLifecycle extends Lifecycle implements OrderLifecycle {
  readonly kind = "ts" as const;

  dispose(): void {
    this.clear();
  }
}

/** "native" when the library loads, else "ts". */
export function defaultLifecycleKind(): LifecycleKind {
  return nativeLifecycleStatus().available ? "native" : "ts";
}

/** `kind` omitted: native when available. "native" when it is not throws NativeLifecycleError saying why. */
export function createLifecycle(spec: SymbolSpec, params: LifecycleParams, kind: LifecycleKind = defaultLifecycleKind()): OrderLifecycle {
  if (kind === "ts") return new TsLifecycle(spec, params);
  if (kind !== "native") throw new Error(`unknown lifecycle kind: ${String(kind)} (expected native or ts)`);
  return new NativeLifecycle(nativeLifecycleLibrary(), spec, params);
}
