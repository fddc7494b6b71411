/**
 * The core against an in-memory writer that keeps the same per-session
 * ledger as the PostgreSQL one, and can be told to fail: ordering, back-off,
 * spilling, draining, close and restart, without a database. The same
 * properties are proven against the real server in recorder.pg.test.ts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BatchWriter, WriteBatch, WriteResult } from "./pg-writer.ts";
import { RecorderCore, type RecorderOptions, type RecorderState } from "./recorder-core.ts";
import { makeItems, TEST_FEATURE_NAMES } from "./test-support.ts";

class LedgerWriter implements BatchWriter {
  readonly committed: { session: string; seq: number; table: number; key: unknown }[] = [];
  readonly ledger = new Map<string, number>();
  down = false;
  /** Commit, then fail as if the reply was lost, this many times. */
  lostReplies = 0;
  attempts = 0;
  prepared = 0;

  async prepare(): Promise<void> {
    if (this.down) throw new Error("connection refused");
    this.prepared++;
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    this.attempts++;
    await Bun.sleep(1);
    if (this.down) throw new Error("connection refused");
    const next = this.ledger.get(batch.session) ?? 0;
    const fresh = batch.rows.filter((r) => r.seq >= next);
    for (const r of fresh) this.committed.push({ session: batch.session, seq: r.seq, table: r.table, key: r.values[1] });
    this.ledger.set(batch.session, Math.max(next, batch.rows.at(-1)!.seq + 1));
    if (this.lostReplies > 0) {
      this.lostReplies--;
      throw new Error("connection reset after COMMIT");
    }
    return { inserted: fresh.length, alreadyPresent: batch.rows.length - fresh.length };
  }
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "genesis-recorder-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function core(writer: BatchWriter, options: Partial<RecorderOptions> & { dataDir: string }) {
  const c = new RecorderCore(writer, {
    featureNames: TEST_FEATURE_NAMES, recordBookMs: 0, batchRows: 100, lingerMs: 2, retryBaseMs: 5, retryMaxMs: 40, random: () => 0.5, ...options,
  });
  const states: RecorderState[] = [c.state];
  c.onStateChange((s) => states.push(s));
  return { core: c, states };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(2);
  }
}

/** The `ts` column of the committed rows (unique per item here): the order they were written in. */
const keys = (w: LedgerWriter) => w.committed.map((c) => c.key);
const expectedKeys = (from: number, n: number) => makeItems(from, n).map((it) => (it.kind === "gap" ? it.localTsMs : it.kind === "anomaly" ? it.tsEnd : it.exchTsMs));

describe("RecorderCore", () => {
  test("writes every row once, in order, and counts it", async () => {
    const writer = new LedgerWriter();
    const { core: c, states } = core(writer, { dataDir: dataDir() });
    c.start();
    for (let i = 0; i < 1_000; i += 50) c.offer(makeItems(i, 50));
    await c.close();
    expect(keys(writer)).toEqual(expectedKeys(0, 1_000));
    const n = c.counters();
    expect(n.total.received).toBe(1_000);
    expect(n.total.written).toBe(1_000);
    expect(n.total.buffered).toBe(0);
    expect(n.tables.gaps.written).toBe(20);
    expect(n.tables.book_snapshots.written + n.tables.trades.written + n.tables.features.written).toBe(980);
    expect(states).toEqual(["connecting", "ok", "stopped"]);
  });

  test("an outage: degraded, back-off retries, spill past the bound, then every row in order and the spill drained", async () => {
    const writer = new LedgerWriter();
    const dir = dataDir();
    const { core: c, states } = core(writer, { dataDir: dir, maxBufferedRows: 300 });
    c.start();
    c.offer(makeItems(0, 100));
    await until(() => c.counters().total.written === 100);
    writer.down = true;
    for (let i = 100; i < 1_500; i += 50) {
      c.offer(makeItems(i, 50));
      await Bun.sleep(1);
    }
    await until(() => c.state === "degraded");
    const during = c.counters();
    expect(during.total.spilled).toBeGreaterThanOrEqual(1_000);
    expect(during.spillFiles).toBeGreaterThan(0);
    expect(during.total.buffered).toBeLessThanOrEqual(300 + 100); // the bound plus the batch in flight
    expect(during.failedBatches).toBeGreaterThan(0);
    expect(during.lastError).toContain("connection refused");
    writer.down = false;
    c.offer(makeItems(1_500, 100));
    await until(() => c.counters().total.written === 1_600);
    await c.close();
    expect(keys(writer)).toEqual(expectedKeys(0, 1_600));
    expect(c.counters().spillFiles).toBe(0);
    expect(readdirSync(path.join(dir, "spill"))).toEqual([]);
    expect(states).toEqual(["connecting", "ok", "degraded", "ok", "stopped"]);
  });

  test("back-off doubles from retryBaseMs up to retryMaxMs", async () => {
    const writer = new LedgerWriter();
    const { core: c } = core(writer, { dataDir: dataDir(), retryBaseMs: 10, retryMaxMs: 80, random: () => 0.999 });
    c.start();
    await until(() => c.state === "ok");
    writer.down = true;
    const times: number[] = [];
    const write = writer.write.bind(writer);
    writer.write = (batch) => {
      times.push(performance.now());
      return write(batch);
    };
    c.offer(makeItems(0, 10));
    await until(() => times.length >= 6, 3_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // With jitter pinned near 1 each delay is close to its cap: 10, 20, 40, 80, 80 ms (plus the 1 ms write).
    [10, 20, 40, 80, 80].forEach((capMs, i) => {
      expect(gaps[i]!).toBeGreaterThanOrEqual(capMs - 1);
      expect(gaps[i]!).toBeLessThan(capMs * 1.5 + 50); // timers run late on a busy machine, never early
    });
    writer.down = false;
    await c.close();
    expect(keys(writer)).toEqual(expectedKeys(0, 10));
  });

  test("a reply lost after COMMIT is retried without doubling rows", async () => {
    const writer = new LedgerWriter();
    writer.lostReplies = 2;
    const { core: c } = core(writer, { dataDir: dataDir() });
    c.start();
    c.offer(makeItems(0, 250));
    await c.close();
    expect(keys(writer)).toEqual(expectedKeys(0, 250));
    expect(c.counters().alreadyPresent).toBe(100); // the first batch, found committed on its last try
    expect(c.counters().failedBatches).toBe(2);
  });

  test("close while the database is down spills everything; the next run drains it before its own rows", async () => {
    const dir = dataDir();
    const writer = new LedgerWriter();
    writer.down = true;
    const first = core(writer, { dataDir: dir });
    first.core.start();
    first.core.offer(makeItems(0, 400));
    await first.core.close(100);
    expect(first.core.state).toBe("stopped");
    expect(first.core.counters().total.spilled).toBe(400);
    expect(readdirSync(path.join(dir, "spill"))).toHaveLength(1);
    first.core.offer(makeItems(400, 5));
    expect(first.core.counters().droppedAfterClose).toBe(5);

    writer.down = false;
    const second = core(writer, { dataDir: dir });
    expect(second.core.counters().spillFiles).toBe(1);
    second.core.offer(makeItems(1_000, 100)); // before start: queued behind the leftovers
    second.core.start();
    await second.core.close();
    expect(keys(writer)).toEqual([...expectedKeys(0, 400), ...expectedKeys(1_000, 100)]);
    expect(writer.committed.slice(0, 400).every((c) => c.session === first.core.session)).toBe(true);
    expect(readdirSync(path.join(dir, "spill"))).toEqual([]);
  });

  test("a spill file re-read after a crash (rows already committed) lands nothing twice", async () => {
    const dir = dataDir();
    const writer = new LedgerWriter();
    writer.down = true;
    const first = core(writer, { dataDir: dir });
    first.core.offer(makeItems(0, 300));
    await first.core.close(50);
    const [file] = readdirSync(path.join(dir, "spill"));
    const saved = await Bun.file(path.join(dir, "spill", file!)).bytes();
    writer.down = false;
    const second = core(writer, { dataDir: dir });
    second.core.start();
    await second.core.close();
    expect(existsSync(path.join(dir, "spill", file!))).toBe(false);
    await Bun.write(path.join(dir, "spill", file!), saved); // as if the process died before removing it
    const third = core(writer, { dataDir: dir });
    third.core.start();
    await third.core.close();
    expect(keys(writer)).toEqual(expectedKeys(0, 300));
    expect(third.core.counters().alreadyPresent).toBe(300);
  });

  test("close with 150,000 rows in memory and the database down spills them all", async () => {
    const writer = new LedgerWriter();
    writer.down = true;
    const { core: c } = core(writer, { dataDir: dataDir(), maxBufferedRows: 1_000_000 });
    c.start();
    for (let i = 0; i < 150_000; i += 5_000) c.offer(makeItems(i, 5_000));
    await c.close(20);
    expect(c.counters().total.spilled).toBe(150_000);
    expect(c.counters().total.buffered).toBe(0);
  });

  test("offer never throws, even on a malformed item", () => {
    const { core: c } = core(new LedgerWriter(), { dataDir: dataDir() });
    expect(() => c.offer([{ kind: "features", symbol: "X", exchTsMs: 1, localTsMs: 1, values: undefined } as never])).not.toThrow();
    expect(c.lastError).toContain("offer failed");
  });

  test("rows that trickle in are gathered for lingerMs into one transaction", async () => {
    const writer = new LedgerWriter();
    const { core: c } = core(writer, { dataDir: dataDir(), lingerMs: 200, batchRows: 1_000 });
    c.start();
    await until(() => c.state === "ok");
    for (let i = 0; i < 20; i++) {
      c.offer(makeItems(i, 1));
      await Bun.sleep(1);
    }
    await until(() => c.counters().total.written === 20);
    expect(writer.attempts).toBeLessThanOrEqual(3); // not one transaction per offer
    await c.close();
  });
});
