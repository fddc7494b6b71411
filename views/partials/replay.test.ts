import { describe, expect, test } from "bun:test";
import type { PlaybackCommand } from "../../actors/feed/drivers.ts";
import { reflects } from "../routes/replay.ts";
import { fmtSpeed, fmtUtc, progressText, replayControls, type ReplayStatusLike } from "./replay.ts";

const START = Date.parse("2024-07-18T00:00:00Z");
const status = (overrides: Partial<ReplayStatusLike> = {}): ReplayStatusLike => ({
  state: "running",
  tsMs: START + 3_723_000,
  framesSent: 10,
  paused: false,
  speed: 10,
  startTsMs: START,
  ...overrides,
});

describe("formatting", () => {
  test("clock, speed, progress", () => {
    expect(fmtUtc(START + 1234)).toBe("2024-07-18 00:00:01.234 UTC");
    expect(fmtUtc(0)).toBe("—"); // the driver's "no file opened yet"
    expect(fmtUtc(undefined)).toBe("—");
    expect([fmtSpeed(1), fmtSpeed(2.5), fmtSpeed("max"), fmtSpeed(undefined)]).toEqual(["1×", "2.5×", "max", "—"]);
    expect(progressText(status())).toBe("+1:02:03"); // end unknown until reached
    expect(progressText(status({ endTsMs: START + 4 * 3_723_000 }))).toBe("25.0%");
    expect(progressText(status({ tsMs: START - 5, endTsMs: START + 10 }))).toBe("0.0%");
    expect(progressText(null)).toBe("");
  });
});

describe("the partial", () => {
  test("end unknown: a UTC time field pre-filled with the replay clock", () => {
    const text = replayControls({ status: status(), token: null, locked: false }).value;
    expect(text).toContain('type="datetime-local" name="ts" step="1"');
    expect(text).toContain('value="2024-07-18T01:02:03"');
    expect(text).not.toContain('type="range"');
  });

  test("end known: a range over the recording", () => {
    const text = replayControls({ status: status({ endTsMs: START + 7_200_000 }), token: null, locked: false }).value;
    expect(text).toContain(`type="range" name="ts" aria-label="seek"\n      min="${START}" max="${START + 7_200_000}" step="1000" value="${START + 3_723_000}"`);
  });

  test("paused shows play; finished plays again from the start; no position yet says starting", () => {
    const paused = replayControls({ status: status({ state: "paused" }), token: null, locked: false }).value;
    expect(paused).toContain('data-action="resume"');
    expect(paused).toContain('hx-post="/api/replay/resume"');
    expect(paused).toContain('data-state="paused">paused · 10×</span>');
    const finished = replayControls({ status: status({ state: "finished" }), token: null, locked: false }).value;
    expect(finished).toContain('data-action="restart"');
    expect(finished).toContain(`hx-post="/api/replay/seek?ts=${START}" aria-label="play again from the start"`);
    expect(finished).toContain('data-state="finished">finished · 10×</span>');
    const starting = replayControls({ status: null, token: null, locked: false }).value;
    expect(starting).toContain('data-state="starting">starting · —</span>');
    expect(starting).not.toContain("replay-restart");
  });

  test("anything from the feed is escaped", () => {
    const text = replayControls({ status: status({ state: `<img src=x onerror="1">` }), token: null, locked: false }).value;
    expect(text).not.toContain("<img");
    expect(text).toContain("&lt;img src=x onerror=&quot;1&quot;&gt;");
  });
});

describe("reflects: when a POST may answer", () => {
  const before = status({ tsMs: START + 600_000 });
  const cases: [string, PlaybackCommand, ReplayStatusLike, boolean][] = [
    ["pause, feed paused", { type: "feed.pause" }, status({ state: "paused" }), true],
    ["pause, feed still running", { type: "feed.pause" }, status(), false],
    ["resume, feed running", { type: "feed.resume" }, status(), true],
    ["speed reported", { type: "feed.setSpeed", speed: "max" }, status({ speed: "max" }), true],
    ["speed not yet", { type: "feed.setSpeed", speed: "max" }, status(), false],
    ["forward seek, last frame just before the target", { type: "feed.seek", tsMs: START + 900_000 }, status({ tsMs: START + 899_990 }), true],
    ["forward seek, still fast-forwarding", { type: "feed.seek", tsMs: START + 900_000 }, status({ tsMs: START + 700_000 }), false],
    ["back seek, rewound to the start, not yet at the target", { type: "feed.seek", tsMs: START + 300_000 }, status({ tsMs: START }), false],
    ["back seek, arrived", { type: "feed.seek", tsMs: START + 300_000 }, status({ tsMs: START + 299_999 }), true],
    ["back seek, not rewound yet", { type: "feed.seek", tsMs: START + 300_000 }, before, false],
    ["seek, replay finished", { type: "feed.seek", tsMs: START + 900_000 }, status({ state: "finished", tsMs: START + 800_000 }), true],
  ];
  test.each(cases)("%s", (_label, command, now, expected) => expect(reflects(command, before, now)).toBe(expected));
  test("no position yet never reflects", () => expect(reflects({ type: "feed.pause" }, null, null)).toBe(false));
});
