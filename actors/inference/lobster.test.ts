import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isLobsterOrderbook, readLobsterOrderbook } from "./lobster.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "genesis-lobster-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("LOBSTER rows: prices / 10000, empty levels take the level above's price, empty or crossed books dropped", () => {
  const file = path.join(scratch, "X_2012-06-21_34200000_57600000_orderbook_2.csv");
  writeFileSync(
    file,
    [
      "1010000,5,990000,7,1020000,3,980000,2",
      "1010000,5,990000,7,9999999999,0,-9999999999,0", // level 2 empty on both sides
      "9999999999,0,990000,7,9999999999,0,980000,2", // no ask: dropped
      "990000,5,990000,7,1020000,3,980000,2", // locked: dropped
    ].join("\n"),
  );
  expect(isLobsterOrderbook(file)).toBe(true);
  expect(isLobsterOrderbook("x_message_10.csv")).toBe(false);
  const { series, skipped } = readLobsterOrderbook(file, 2);
  expect(skipped).toBe(2);
  expect(series.length).toBe(2);
  expect([...series.rows]).toEqual([101, 5, 99, 7, 102, 3, 98, 2, 101, 5, 99, 7, 101, 0, 99, 0]);
  expect(() => readLobsterOrderbook(file, 3)).toThrow("need 12 (3 levels)");
});
