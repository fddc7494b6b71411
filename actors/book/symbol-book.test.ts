import { describe, expect, test } from "bun:test";
import type { BookUpdate, MarketEvent } from "../../src/switchboard.ts";
import type { DepthDiffMsg, Levels, SnapshotMsg } from "./binance-decode.ts";
import { SymbolBook } from "./symbol-book.ts";
import type { GapFact } from "../../src/switchboard.ts";

const spec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

function diff(U: number, u: number, pu: number, bids: [string, string][] = [], asks: [string, string][] = []): DepthDiffMsg {
  return { kind: "depth", symbol: "BTCUSDT", exchTsMs: u, firstUpdateId: U, finalUpdateId: u, prevFinalUpdateId: pu, levels: levels(bids, asks) };
}

function levels(bids: [string, string][], asks: [string, string][]): Levels {
  const all = [...bids, ...asks];
  const num = (text: string) => (text.length > 0 ? Number(text) : Number.NaN);
  return { bidCount: bids.length, prices: Float64Array.from(all, (l) => num(l[0])), quantities: Float64Array.from(all, (l) => num(l[1])) };
}

function snapshot(lastUpdateId: number): SnapshotMsg {
  return {
    kind: "snapshot",
    symbol: "BTCUSDT",
    exchTsMs: lastUpdateId,
    lastUpdateId,
    levels: levels([["100.0", "1"], ["99.9", "2"]], [["100.1", "3"], ["100.2", "4"]]),
  };
}

function harness() {
  const gaps: GapFact[] = [];
  let snapshotRequests = 0;
  const book = new SymbolBook(
    spec,
    () => snapshotRequests++,
    (gap) => gaps.push(gap),
  );
  const out: MarketEvent[] = [];
  const updates = () => out.filter((e): e is BookUpdate => e.kind === "book");
  return { book, out, gaps, updates, snapshotRequests: () => snapshotRequests };
}

describe("SymbolBook sync", () => {
  test("buffers diffs until the snapshot, drops those before it, applies the straddling one", () => {
    const h = harness();
    h.book.onDiff(diff(1, 5, 0, [["99.8", "9"]]), 0, h.out); // u < lastUpdateId: dropped
    h.book.onDiff(diff(6, 12, 5, [["100.0", "7"]]), 0, h.out); // U <= 10 <= u: first applied
    h.book.onDiff(diff(13, 15, 12, [], [["100.1", "0"]]), 0, h.out);
    expect(h.out).toHaveLength(0);
    expect(h.book.state).toBe("awaiting_snapshot");
    h.book.onSnapshot(snapshot(10), 0, h.out);
    expect(h.book.state).toBe("live");
    const [reset, first, second] = h.updates();
    expect(reset).toMatchObject({ reset: true, u: 10, stale: false, spec });
    expect(first).toMatchObject({ reset: false, u: 12 });
    expect(second!.u).toBe(15);
    expect(Array.from(second!.topBidPrice)).toEqual([100, 99.9]);
    expect(Array.from(second!.topBidQty)).toEqual([7, 2]);
    expect(Array.from(second!.topAskPrice)).toEqual([100.2]);
    expect(h.book.book.bids.qtyAt(998)).toBe(0);
  });

  test("accepts a first diff whose pu equals lastUpdateId", () => {
    const h = harness();
    h.book.onSnapshot(snapshot(10), 0, h.out);
    h.book.onDiff(diff(20, 25, 10, [["99.5", "1"]]), 0, h.out);
    expect(h.book.lastUpdateId).toBe(25);
    expect(h.gaps).toHaveLength(0);
    expect(h.snapshotRequests()).toBe(0);
  });

  test("a snapshot older than every buffered diff is refused and another one requested", () => {
    const h = harness();
    h.book.onDiff(diff(20, 25, 19), 0, h.out);
    h.book.onSnapshot(snapshot(10), 0, h.out);
    expect(h.out).toHaveLength(0);
    expect(h.gaps[0]).toMatchObject({ phase: "started", reason: "snapshot_too_old" });
    expect(h.snapshotRequests()).toBe(1);
    h.book.onSnapshot(snapshot(22), 7, h.out);
    expect(h.book.state).toBe("live");
    expect(h.gaps[1]).toMatchObject({ phase: "recovered", recoveredU: 22, staleMs: 7 });
    expect(h.book.lastUpdateId).toBe(25);
  });

  test("a broken pu chain keeps the last book, flagged stale, and recovers without losing buffered diffs", () => {
    const h = harness();
    h.book.onSnapshot(snapshot(10), 0, h.out);
    h.book.onDiff(diff(11, 12, 10, [["99.0", "1"]]), 0, h.out);
    h.book.onDiff(diff(14, 15, 13, [["98.0", "1"]]), 1000, h.out); // 13 never arrived
    expect(h.book.state).toBe("resyncing");
    expect(h.book.stale).toBe(true);
    expect(h.gaps).toEqual([
      { kind: "gap", symbol: "BTCUSDT", phase: "started", reason: "pu_mismatch", expectedPu: 12, gotPu: 13, u: 15, exchTsMs: 15, localTsMs: 1000, recoveredU: null, staleMs: null },
    ]);
    expect(h.book.book.bids.qtyAt(990)).toBe(1); // last good book still there
    h.book.onDiff(diff(16, 18, 15, [["97.0", "1"]]), 1100, h.out);
    h.book.onSnapshot(snapshot(15), 1250, h.out);
    expect(h.book.state).toBe("live");
    expect(h.gaps[1]).toMatchObject({ phase: "recovered", u: 15, recoveredU: 15, staleMs: 250 });
    // One marker when the gap opened: the last good book (u=12), flagged stale, no level changes; nothing applied while stale.
    const stale = h.updates().filter((e) => e.stale);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ u: 12, reset: false, stale: true });
    expect(stale[0]!.levelSide).toHaveLength(0);
    expect(Array.from(stale[0]!.topBidPrice)).toEqual([100, 99.9, 99]);
    expect(h.book.lastUpdateId).toBe(18);
    expect(h.book.book.bids.qtyAt(970)).toBe(1);
    expect(h.book.book.bids.qtyAt(990)).toBe(0); // replaced by the snapshot
  });

  test("duplicates are skipped", () => {
    const h = harness();
    h.book.onSnapshot(snapshot(10), 0, h.out);
    h.book.onDiff(diff(11, 12, 10), 0, h.out);
    h.book.onDiff(diff(11, 12, 10), 0, h.out);
    expect(h.book.counts.duplicates).toBe(1);
    expect(h.book.state).toBe("live");
  });

  test.each([
    ["negative qty", [["99.0", "-1"]]],
    ["non-numeric price", [["abc", "1"]]],
  ] as [string, [string, string][]][])("%s: frame skipped whole, counted, resync", (_name, bids) => {
    const h = harness();
    h.book.onSnapshot(snapshot(10), 0, h.out);
    h.book.onDiff(diff(11, 12, 10, [["99.5", "5"], ...bids]), 0, h.out);
    expect(h.book.counts.invalid).toBe(1);
    expect(h.book.book.bids.qtyAt(995)).toBe(0);
    expect(h.book.state).toBe("resyncing");
  });

  test("a diff that crosses the book forces a resync", () => {
    const h = harness();
    h.book.onSnapshot(snapshot(10), 0, h.out);
    h.book.onDiff(diff(11, 12, 10, [["100.5", "1"]]), 0, h.out);
    expect(h.gaps[0]).toMatchObject({ reason: "crossed_book", expectedPu: 10, u: 12 });
    const [, marker] = h.updates();
    expect(marker).toMatchObject({ stale: true, u: 10 });
    // The crossing frame was undone: the last good book is what is served.
    expect(Array.from(marker!.topBidPrice)).toEqual([100, 99.9]);
    expect(h.book.book.isCrossed).toBe(false);
    expect(h.book.book.bids.qtyAt(1005)).toBe(0);
  });
});
