/**
 * Each fault in the diff stream, injected by the test exchange at a fixed
 * place in the replay of a real recording: the client notices it (a gap, a
 * dropped duplicate, a malformed frame), resyncs where needed, and ends with
 * exactly the exchange's book; every update it emitted on the way matched
 * the exchange at the same update id.
 */
import { describe, expect, test } from "bun:test";
import type { Fault, MalformedVariant } from "../../../src/test-exchange/faults.ts";
import { HFT, type Harness, startHarness } from "./live.testkit.ts";

const BTC_DAY = [HFT("btcusdt_20240718.gz")];
/** Far enough into the replay (11,408 events) that the client is live, with plenty left to resync on. */
const AT_EVENT = 3000;

async function withFaults(faults: Fault[], check: (h: Harness) => void, files = BTC_DAY): Promise<void> {
  const h = await startHarness({
    files,
    driver: { aggTrades: false },
    exchange: { faults: faults.map((fault, i) => ({ afterEvents: AT_EVENT + 500 * i, fault })) },
  });
  try {
    expect(await h.settle()).toEqual([]);
    expect(h.mismatches).toEqual([]);
    // Every gap that opened was closed by an aligned snapshot.
    expect(h.recoveries.length).toBe(h.gaps.length);
    check(h);
  } finally {
    await h.close();
  }
}

const btc = (h: Harness) => h.books.get("BTCUSDT")!;

describe("diff-stream faults: detected, resynced, exact afterwards", () => {
  test("dropped diffs: a pu gap, a new snapshot, exact again", async () => {
    await withFaults([{ kind: "dropDiffs", next: 3 }], (h) => {
      expect(h.exchange.stats.faults.dropped).toBe(3);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
      expect(h.gaps[0]!.reason).toBe("pu_mismatch");
      expect(h.counters.snapshotsApplied).toBeGreaterThanOrEqual(2);
    });
  }, 20_000);

  test("duplicated diffs: dropped by the book as already applied, no gap", async () => {
    await withFaults([{ kind: "duplicateDiffs", next: 5 }], (h) => {
      expect(h.exchange.stats.faults.duplicated).toBe(5);
      expect(h.gaps).toEqual([]);
      expect(btc(h).counts.duplicates).toBeGreaterThanOrEqual(5);
      expect(h.counters.snapshotsApplied).toBe(1);
    });
  }, 20_000);

  test("adjacent diffs swapped: a gap, resynced", async () => {
    await withFaults([{ kind: "reorderDiffs", pairs: 2 }], (h) => {
      expect(h.exchange.stats.faults.reordered).toBe(2);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
      expect(h.counters.snapshotsApplied).toBeGreaterThanOrEqual(2);
    });
  }, 20_000);

  test("a random 20% of 300 diffs dropped (seeded): many gaps, exact at the end", async () => {
    await withFaults([{ kind: "dropDiffs", next: 300, probability: 0.2 }], (h) => {
      const dropped = h.exchange.stats.faults.dropped;
      expect(dropped).toBeGreaterThan(30);
      expect(dropped).toBeLessThan(100);
      expect(h.gaps.length).toBeGreaterThanOrEqual(1);
    });
  }, 20_000);

  test.each<[MalformedVariant, boolean]>([
    ["garbage", false],
    ["truncated", false],
    ["wrongTypes", false],
    ["crossed", true],
    ["negative", true],
  ])("malformed frames (%s): counted and skipped; a corrupted diff forces a resync: %p", async (variant, resyncs) => {
    await withFaults([{ kind: "malformed", variant, next: 3 }], (h) => {
      expect(h.exchange.stats.faults.malformed).toBe(3);
      if (resyncs) {
        expect(h.gaps.length).toBeGreaterThanOrEqual(1);
        expect(h.gaps[0]!.reason).toBe(variant === "crossed" ? "crossed_book" : "invalid_levels");
      } else {
        expect(h.counters.malformed).toBe(3);
        expect(h.gaps).toEqual([]);
      }
    });
  }, 20_000);

  test("faults on one symbol leave the other untouched (BTCUSDT + ETHUSDT)", async () => {
    const files = [HFT("btcusdt_20240718.gz"), HFT("ethusdt_20240718.gz")];
    const faults: Fault[] = [
      { kind: "dropDiffs", next: 2, symbol: "ETHUSDT" },
      { kind: "reorderDiffs", pairs: 1, symbol: "ETHUSDT" },
    ];
    await withFaults(
      faults,
      (h) => {
        expect(h.gaps.every((gap) => gap.symbol === "ETHUSDT")).toBe(true);
        expect(h.gaps.length).toBeGreaterThanOrEqual(2);
        expect(h.books.get("BTCUSDT")!.counts.gaps).toBe(0);
      },
      files,
    );
  }, 20_000);
});
