import { expect, test } from "bun:test";
import type { RawFrame } from "../../src/switchboard.ts";
import { coalesced } from "./drivers.ts";

test("frames delivered in the same turn of the event loop arrive as one batch, in order", async () => {
  const batches: string[][] = [];
  const deliver = coalesced((frames) => batches.push(frames.map((f) => f.text)));
  const frame = (text: string): RawFrame => ({ localTsMs: 0, text });
  deliver([frame("a")]);
  deliver([frame("b"), frame("c")]);
  expect(batches).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(batches).toEqual([["a", "b", "c"]]);
  deliver([frame("d")]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(batches).toEqual([["a", "b", "c"], ["d"]]);
});
