/**
 * The recorder against the embedded engine (PGlite behind pglite-socket,
 * reached by postgres.js like a server): the same round trip as on the
 * server, on the INSERT path the embedded engine gets by default.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openTestDatabase, type TestDatabase } from "../../src/db/testing.ts";
import { PgBatchWriter } from "./pg-writer.ts";
import { RecorderCore } from "./recorder-core.ts";
import { expectedTables, makeItems, plain, readTables, TEST_FEATURE_NAMES } from "./test-support.ts";

let t: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  t = await openTestDatabase("embedded");
  dataDir = mkdtempSync(path.join(tmpdir(), "genesis-recorder-embedded-"));
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("embedded: every table round-trips exactly, in write order, through the default INSERT path", async () => {
  const writer = PgBatchWriter.forDatabase(t.db);
  expect(writer.method).toBe("insert");
  const core = new RecorderCore(writer, { dataDir, featureNames: TEST_FEATURE_NAMES, recordBookMs: 0, batchRows: 400, lingerMs: 5 });
  const items = makeItems(0, 2_000);
  core.start();
  for (let i = 0; i < items.length; i += 100) core.offer(items.slice(i, i + 100));
  await core.close(30_000);
  expect(core.lastError).toBeNull();
  expect(core.counters().total.written).toBe(2_000);

  const back = await readTables(t.db.sql);
  const want = expectedTables(items, TEST_FEATURE_NAMES);
  for (const table of ["book", "trades", "features", "gaps"] as const) {
    expect(back[table].length).toBe(want[table].length);
    expect(plain(back[table])).toEqual(plain(want[table] as object[]));
  }
  const partitions = await t.db.sql`SELECT count(*)::int AS n FROM pg_inherits`;
  expect(partitions[0]!.n).toBeGreaterThanOrEqual(4); // a daily partition per table at least
}, 60_000);
