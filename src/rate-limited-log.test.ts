import { expect, test } from "bun:test";
import { RateLimitedLog } from "./rate-limited-log.ts";

test("writes the first line per key, then one per interval with the suppressed count", () => {
  const lines: string[] = [];
  let now = 0;
  const log = new RateLimitedLog((line) => lines.push(line), 1000, () => now);
  for (let i = 0; i < 100; i++) log.log("malformed", `bad frame ${i}`);
  log.log("gap", "gap BTCUSDT");
  now = 1500;
  log.log("malformed", "bad frame 100");
  expect(lines).toEqual(["bad frame 0", "gap BTCUSDT", "bad frame 100 (99 more like it suppressed)"]);
});
