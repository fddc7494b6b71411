import { describe, expect, test } from "bun:test";
import { createWebApp } from "../app.ts";
import type { WebDeps } from "../deps.ts";
import { testDeps } from "../testing/deps.ts";
import { FakeReplay, type FakePosition } from "../testing/fake-replay.ts";
import { SETTLE_MS } from "./replay.ts";

const START = Date.parse("2024-07-18T00:00:00Z");
const END = Date.parse("2024-07-19T23:59:59Z");
const HX = { "hx-request": "true" };

function position(overrides: Partial<FakePosition> = {}): FakePosition {
  return { tsMs: START + 60_000, framesSent: 1234, paused: false, speed: 10, startTsMs: START, endTsMs: END, ...overrides };
}

function setup(overrides: Partial<WebDeps> = {}, replay: FakeReplay | null = new FakeReplay(position())) {
  const app = createWebApp(testDeps({ mode: replay ? "replay" : "sim", ...(replay ? { replay } : {}), ...overrides }));
  const call = (path: string, init: RequestInit = {}) => app.handle(new Request(`http://localhost${path}`, init));
  const post = (path: string, headers: Record<string, string> = HX, body?: BodyInit) => call(path, { method: "POST", headers, body });
  return { app, replay: replay!, call, post };
}

describe("outside replay mode", () => {
  const { call, post } = setup({}, null);
  test.each([
    ["GET", "/api/replay"],
    ["GET", "/replay/controls"],
    ["POST", "/api/replay/pause"],
    ["POST", "/api/replay/resume"],
    ["POST", "/api/replay/speed?value=10"],
    ["POST", "/api/replay/seek?ts=1721260800000"],
  ])("%s %s is a 404 that says why", async (method, path) => {
    const res = method === "GET" ? await call(path) : await post(path);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("replay controls exist only in replay mode; this process runs in sim mode\n");
  });

  test("the dashboard has no control bar", async () => {
    const page = await (await call("/")).text();
    expect(page).not.toContain('id="replay-controls"');
    expect(page).toContain('id="gap-log"');
  });
});

describe("JSON API", () => {
  test("GET /api/replay: the position with the feed's state", async () => {
    const { call } = setup();
    const res = await call("/api/replay");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ...position(), finished: false, state: "running" });
  });

  test("before the first report: {state: starting}", async () => {
    const { call, post } = setup({}, new FakeReplay(null));
    expect(await (await call("/api/replay")).json()).toEqual({ state: "starting" });
    expect(await (await post("/api/replay/pause", { authorization: "Bearer x" })).json()).toEqual({ state: "starting" });
  });

  test("pause, resume, speed, seek: each sends its command and answers with the new position", async () => {
    const { post, replay } = setup();
    const json = async (path: string) => {
      const res = await post(path, { "x-genesis-token": "any" });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await json("/api/replay/pause")).toMatchObject({ state: "paused", paused: true });
    expect(await json("/api/replay/resume")).toMatchObject({ state: "running", paused: false });
    expect(await json("/api/replay/speed?value=100")).toMatchObject({ speed: 100 });
    expect(await json("/api/replay/speed?value=max")).toMatchObject({ speed: "max" });
    expect(await json("/api/replay/speed?value=2.5")).toMatchObject({ speed: 2.5 });
    expect(await json("/api/replay/seek?ts=2024-07-19T12:30:00Z")).toMatchObject({ tsMs: Date.parse("2024-07-19T12:30:00Z") });
    expect(await json(`/api/replay/seek?ts=${START + 5000}`)).toMatchObject({ tsMs: START + 5000 });
    expect(await json("/api/replay/seek?ts=2024-07-18%2001:00")).toMatchObject({ tsMs: Date.parse("2024-07-18T01:00:00Z") });
    expect(replay.commands).toEqual([
      { type: "feed.pause" },
      { type: "feed.resume" },
      { type: "feed.setSpeed", speed: 100 },
      { type: "feed.setSpeed", speed: "max" },
      { type: "feed.setSpeed", speed: 2.5 },
      { type: "feed.seek", tsMs: Date.parse("2024-07-19T12:30:00Z") },
      { type: "feed.seek", tsMs: START + 5000 },
      { type: "feed.seek", tsMs: Date.parse("2024-07-18T01:00:00Z") },
    ]);
  });

  test("recorded times are fractional ms: the bar's restart button posts the exact start, which is in range", async () => {
    const start = START + 0.481;
    const { call, post, replay } = setup({}, new FakeReplay(position({ startTsMs: start, tsMs: start + 9000.25, endTsMs: undefined })));
    const bar = await (await call("/replay/controls")).text();
    const restart = /id="replay-restart"[^>]*hx-post="([^"]+)"/.exec(bar)![1]!;
    expect(restart).toBe(`/api/replay/seek?ts=${start}`);
    expect((await post(restart)).status).toBe(200);
    expect((await post(`/api/replay/seek?ts=${START}`)).status).toBe(400); // 0.481 ms before the first frame
    expect(replay.commands).toEqual([{ type: "feed.seek", tsMs: start }]);
  });

  test("a finished replay: seeking back restarts it, seeking to its very end is a no-op (not a replay stuck 'running')", async () => {
    const replay = new FakeReplay(position({ tsMs: END }));
    replay.state = "finished";
    const { post } = setup({}, replay);
    expect(await (await post(`/api/replay/seek?ts=${END}`, { authorization: "Bearer x" })).json()).toMatchObject({ state: "finished", tsMs: END });
    expect(replay.commands).toEqual([]);
    expect(await (await post(`/api/replay/seek?ts=${START}`, { authorization: "Bearer x" })).json()).toMatchObject({ state: "running", tsMs: START });
    expect(replay.commands).toEqual([{ type: "feed.seek", tsMs: START }]);
  });

  test("ts and value may come as form fields (htmx posts the slider's value so)", async () => {
    const { post, replay } = setup();
    const urlencoded = await post("/api/replay/seek", { ...HX, "content-type": "application/x-www-form-urlencoded" }, `ts=${START + 7000}`);
    expect(urlencoded.status).toBe(200);
    const form = new FormData();
    form.append("ts", "2024-07-18T02:00:00");
    expect((await post("/api/replay/seek", HX, form)).status).toBe(200);
    const speed = new FormData();
    speed.append("value", "max");
    expect((await post("/api/replay/speed", HX, speed)).status).toBe(200);
    expect(replay.commands).toEqual([
      { type: "feed.seek", tsMs: START + 7000 },
      { type: "feed.seek", tsMs: Date.parse("2024-07-18T02:00:00Z") },
      { type: "feed.setSpeed", speed: "max" },
    ]);
  });

  test("the answer waits for the driver's report, but not past SETTLE_MS", async () => {
    const { post } = setup({}, new FakeReplay(position(), 40));
    const t0 = performance.now();
    expect(await (await post("/api/replay/speed?value=100", { authorization: "Bearer x" })).json()).toMatchObject({ speed: 100 });
    expect(await (await post(`/api/replay/seek?ts=${START + 1000}`, { authorization: "Bearer x" })).json()).toMatchObject({ tsMs: START + 1000 });
    expect(performance.now() - t0).toBeLessThan(2 * SETTLE_MS);

    const slow = setup({}, new FakeReplay(position(), 5 * SETTLE_MS));
    const t1 = performance.now();
    const body = await (await slow.post("/api/replay/speed?value=1", { authorization: "Bearer x" })).json();
    const waited = performance.now() - t1;
    expect(body).toMatchObject({ speed: 10 }); // not reported yet: the old position, honestly
    expect(waited).toBeGreaterThanOrEqual(SETTLE_MS - 5);
    expect(waited).toBeLessThan(SETTLE_MS + 200);
  });
});

describe("400s name the parameter", () => {
  const { post, replay } = setup();
  test.each([
    ["/api/replay/speed", "missing value: give value=1|10|100|max or a positive factor"],
    ["/api/replay/speed?value=0", 'invalid value "0": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/speed?value=-1", 'invalid value "-1": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/speed?value=fast", 'invalid value "fast": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/speed?value=1e3", 'invalid value "1e3": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/speed?value=2000000", 'invalid value "2000000": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/speed?value=MAX", 'invalid value "MAX": expected 1, 10, 100, max or a factor above 0 and at most 1000000'],
    ["/api/replay/seek", "missing ts: give ts=<epoch ms> or ts=<ISO-8601 time>"],
    ["/api/replay/seek?ts=yesterday", 'invalid ts "yesterday": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    ["/api/replay/seek?ts=-5", 'invalid ts "-5": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    ["/api/replay/seek?ts=2024-13-45T99:00:00Z", 'invalid ts "2024-13-45T99:00:00Z": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    [
      "/api/replay/seek?ts=2024-07-17T23:59:59Z",
      'ts "2024-07-17T23:59:59Z" (2024-07-17T23:59:59.000Z) is outside the recording: 2024-07-18T00:00:00.000Z to 2024-07-19T23:59:59.000Z',
    ],
    ["/api/replay/seek?ts=1", 'ts "1" (1970-01-01T00:00:00.001Z) is outside the recording: 2024-07-18T00:00:00.000Z to 2024-07-19T23:59:59.000Z'],
  ])("%s", async (path, message) => {
    const res = await post(path);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(`${message}\n`);
    expect(replay.commands).toEqual([]);
  });
});

describe("htmx requests get the controls partial", () => {
  test("POST with HX-Request answers the refreshed #replay-controls", async () => {
    const { post } = setup();
    const res = await post("/api/replay/pause");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const text = await res.text();
    expect(text.startsWith('<section id="replay-controls"')).toBe(true);
    expect(text).toContain('data-state="paused"');
    expect(text).toContain('hx-post="/api/replay/resume"');
    expect(text).toContain('<span id="replay-state" class="rc-state" data-state="paused">paused · 10×</span>');
  });

  test("GET /replay/controls: the bar, polling itself", async () => {
    const { call } = setup();
    const text = await (await call("/replay/controls")).text();
    expect(text).toContain('hx-get="/replay/controls" hx-trigger="every 1s"');
    expect(text).toContain(`data-ts-ms="${START + 60_000}"`);
    expect(text).toMatch(/<b id="replay-time"[^>]*>2024-07-18 00:01:00.000 UTC<\/b>/);
    expect(text).toContain('<span id="replay-progress" class="muted">0.0%</span>');
    expect(text).toContain(`hx-post="/api/replay/seek?ts=${START}">|◀</button>`);
    expect(text).toContain(`min="${START}" max="${END}"`);
    expect(text).toContain('hx-post="/api/replay/pause"');
    expect(text).toContain('data-speed="10" aria-pressed="true"');
    expect(text).not.toContain("hx-headers");
    expect(text).not.toContain("disabled");
  });

  test("the dashboard in replay mode carries the same bar", async () => {
    const { call } = setup();
    const page = await (await call("/?symbol=BTCUSDT")).text();
    expect(page).toContain('<section id="replay-controls"');
    expect(page.indexOf('id="replay-controls"')).toBeLessThan(page.indexOf('id="chart-panel"'));
  });
});
