import { expect, test } from "bun:test";
import { Conflator } from "./conflate.ts";

test("leading edge passes, the rest conflate to the latest", () => {
  const c = new Conflator<string>(100);
  expect(c.offer("book:BTC", "b1", 0)).toBe(true);
  expect(c.offer("book:BTC", "b2", 10)).toBe(false);
  expect(c.offer("book:BTC", "b3", 50)).toBe(false);
  expect(c.offer("book:ETH", "e1", 50)).toBe(true);
  expect(c.heldCount).toBe(1);
  expect(c.nextDueMs()).toBe(100);
  expect(c.takeDue(99)).toEqual([]);
  expect(c.takeDue(100)).toEqual(["b3"]);
  expect(c.nextDueMs()).toBeUndefined();
  // b3 went at 100, so the next one inside [100, 200) is held.
  expect(c.offer("book:BTC", "b4", 150)).toBe(false);
  expect(c.takeDue(200)).toEqual(["b4"]);
  expect(c.offer("book:BTC", "b5", 300)).toBe(true);
});

test("a held item is never overtaken by a newer one sent directly", () => {
  const c = new Conflator<string>(100);
  c.offer("k", "a", 0);
  c.offer("k", "b", 50);
  // The interval has elapsed but b is still held: c must replace it, not jump ahead.
  expect(c.offer("k", "c", 120)).toBe(false);
  expect(c.takeDue(120)).toEqual(["c"]);
});

test("interval 0 passes everything", () => {
  const c = new Conflator<number>(0);
  for (let i = 0; i < 5; i++) expect(c.offer("k", i, 0)).toBe(true);
});
