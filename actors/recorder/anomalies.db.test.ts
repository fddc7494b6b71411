/**
 * Anomaly rows through the recorder, on both engines and every write path:
 * exact round trip (jsonb evidence with hostile strings, times to the
 * microsecond), and idempotent replays (the same alerts offered again, by a
 * new session, land once).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openTestDatabase, type EngineKind, type TestDatabase } from "../../src/db/testing.ts";
import type { HubItem } from "../../src/switchboard.ts";
import { BinaryCopyEncoder } from "./copy-binary.ts";
import { PgBatchWriter, type WriteMethod } from "./pg-writer.ts";
import { RecorderCore } from "./recorder-core.ts";
import { ANOMALIES, anomalyRow, TABLES } from "./rows.ts";
import { expectedTables, makeAnomaly, makeItems, plain, readTables, TEST_FEATURE_NAMES } from "./test-support.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function record(t: TestDatabase, method: WriteMethod, items: readonly HubItem[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "genesis-recorder-anomalies-"));
  dirs.push(dataDir);
  const core = new RecorderCore(PgBatchWriter.forDatabase(t.db, { method }), { dataDir, featureNames: TEST_FEATURE_NAMES, recordBookMs: 0, batchRows: 150, lingerMs: 5 });
  core.start();
  for (let i = 0; i < items.length; i += 40) core.offer(items.slice(i, i + 40));
  await core.close(30_000);
  expect(core.lastError).toBeNull();
  return core.counters();
}

/** Market items with an alert after every 20th. */
function mixed(count: number): HubItem[] {
  const out: HubItem[] = [];
  makeItems(0, count).forEach((item, i) => {
    out.push(item);
    if (i % 20 === 19) out.push(makeAnomaly(i));
  });
  return out;
}

const cases: [EngineKind, WriteMethod][] = [
  ["server", "copy"],
  ["server", "insert"],
  ["embedded", "insert"],
];

for (const [engine, method] of cases) {
  describe(`anomalies (${engine}, ${method})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(engine);
    }, 60_000);
    afterAll(() => t?.close());

    test("round-trip exactly, beside the market rows, and a replay adds none", async () => {
      const items = mixed(600);
      const counters = await record(t, method, items);
      expect(counters.tables.anomalies.written).toBe(30);
      const back = await readTables(t.db.sql);
      const want = expectedTables(items, TEST_FEATURE_NAMES);
      expect(want.anomalies.length).toBe(30);
      for (const table of ["anomalies", "trades", "gaps"] as const) expect(plain(back[table])).toEqual(plain(want[table] as object[]));
      const first = back.anomalies[0] as unknown as { evidence: { note: string; ratio: unknown; levels: unknown[] } };
      expect(first.evidence.note).toBe(`<script>alert("x19")</script> & 'q' \\ 🚀`);
      expect(first.evidence.ratio).toBeNull();

      // A replay: a new recorder session offers the same alerts again.
      await record(t, method, items.filter((it) => it.kind === "anomaly"));
      const [n] = await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM anomalies`;
      expect(n!.n).toBe(30);
      // Stored as jsonb, not as a JSON string: the operators reach inside.
      const [q] = await t.db.sql<{ qty: number }[]>`SELECT (evidence->'levels'->0->>'qty')::float8 AS qty FROM anomalies WHERE id = ${makeAnomaly(19).id}`;
      expect(q!.qty).toBe(12.5 + 19);
    }, 60_000);
  });
}

test("binary COPY encodes jsonb (version byte + text) as the server reads it", async () => {
  const t = await openTestDatabase("server");
  try {
    const alert = makeAnomaly(3);
    const bytes = new BinaryCopyEncoder(16).encode(ANOMALIES, [anomalyRow(alert)]);
    await new PgBatchWriter(t.db.sql).prepare(TEST_FEATURE_NAMES); // today's partitions only: add the row's day
    await t.db.sql.unsafe(`CREATE TABLE anomalies_day PARTITION OF anomalies FOR VALUES FROM ('2024-07-19') TO ('2024-07-20')`);
    const { name, columns } = TABLES[ANOMALIES]!;
    const stream = await t.db.sql.unsafe(`COPY ${name} (${columns.join(", ")}) FROM STDIN WITH (FORMAT binary)`).writable();
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("finish", resolve);
      stream.end(Buffer.from(bytes));
    });
    const back = await readTables(t.db.sql);
    expect(plain(back.anomalies)).toEqual(plain(expectedTables([alert], TEST_FEATURE_NAMES).anomalies as object[]));
  } finally {
    await t.close();
  }
}, 60_000);
