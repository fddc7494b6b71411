/**
 * The replay console in a real browser (Debian's chromium via playwright-core).
 *
 * 1. The REAL service replaying the shared BTCUSDT recordings at 10×, with a
 *    control token, opened with `?token=`: pause stops the replay clock,
 *    resume restarts it, 100× runs faster, seek jumps forward and back.
 *    GENESIS_REPLAY_CMD=harness runs views/testing/harness.ts --replay instead.
 * 2. The harness (its FakeMarket makes a gap every 6 s): the STALE marker and
 *    the gap log; a page without the token gets locked controls and a 401.
 *
 * Skipped without /usr/bin/chromium (and 1 without the shared recordings).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, ROOT, type Service, collectProblems, launchBrowser, startService, stopService } from "./testing/browser.ts";

const DATA = process.env.GENESIS_DATA ?? path.resolve(ROOT, "../shared/data");
const INPUT = ["btcusdt_20240718.gz", "btcusdt_20240719.gz"].map((f) => path.join(DATA, "binance-usdm/hftbacktest", f));
const HAS_DATA = INPUT.every((f) => existsSync(f));
const SCREENSHOT = process.env.GENESIS_REPLAY_SCREENSHOT ?? path.join(ROOT, ".tmp/replay.png");
const TOKEN = "replay-test-token-7f3a";
const useHarness = process.env.GENESIS_REPLAY_CMD === "harness";

let browser: Browser | undefined;
const services: Service[] = [];

beforeAll(async () => {
  if (HAS_CHROMIUM) browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const service of services) await stopService(service);
});

async function start(entry: string, args: string[]): Promise<string> {
  const service = await startService(entry, args, 60_000);
  services.push(service);
  return service.url;
}

const tsMs = async (page: Page) => Number(await page.locator("#replay-controls").getAttribute("data-ts-ms"));

type Compare = "above" | "below" | "near-or-past";

/** Waits until the bar (refreshed by its 1 s poll or by a POST) shows a replay clock `compare` `value`. */
async function waitForClock(page: Page, compare: Compare, value: number, timeoutMs = 15_000): Promise<number> {
  // No eval in the page (the CSP forbids it): the comparison is spelled out.
  await page.waitForFunction(
    ([how, than]) => {
      const ts = Number(document.getElementById("replay-controls")?.dataset.tsMs);
      if (!(ts > 0)) return false;
      return how === "above" ? ts > than : how === "below" ? ts < than : ts >= than - 1000;
    },
    [compare, value] as const,
    { timeout: timeoutMs, polling: 100 },
  );
  return tsMs(page);
}

/**
 * Seeks like a user: the slider when the recording's end is known (reached once), else the
 * UTC time field (whole seconds, so the target is rounded up to stay inside the recording).
 */
async function seekTo(page: Page, targetTsMs: number): Promise<void> {
  if ((await page.locator("#replay-seek").count()) > 0) {
    await page.locator("#replay-seek").evaluate((input: HTMLInputElement, value) => {
      input.focus();
      input.value = String(value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }, targetTsMs);
    return;
  }
  await page.locator("#replay-seek-time").fill(new Date(Math.ceil(targetTsMs / 1000) * 1000).toISOString().slice(0, 19));
  await page.locator("#replay-seek-go").click();
}

test.skipIf(!HAS_CHROMIUM || (!useHarness && !HAS_DATA))(
  "replay controls drive the real replay: pause, resume, speed, seek",
  async () => {
    const url = useHarness
      ? await start("views/testing/harness.ts", ["--port", "0", "--replay", "--control-token", TOKEN])
      : await start("src/main.ts", ["--mode", "replay", "--input", INPUT.join(","), "--speed", "10", "--port", "0", "--token", TOKEN, "--no-record"]);
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const problems = collectProblems(page);
    expect((await page.goto(`${url}/?symbol=BTCUSDT&token=${TOKEN}`, { waitUntil: "domcontentloaded" }))?.status()).toBe(200);
    await page.locator('#sse-status[data-state="connected"]').waitFor({ timeout: 15_000 });
    const bar = page.locator("#replay-controls");
    await page.locator('#replay-controls[data-state="running"]').waitFor({ timeout: 30_000 });
    expect(await bar.getAttribute("data-speed")).toBe("10");
    expect(await page.locator("#replay-toggle").isDisabled()).toBe(false);

    // Running at 10x: the clock advances.
    const t0 = await waitForClock(page, "above", 0, 30_000);
    const t1 = await waitForClock(page, "above", t0);
    expect(t1).toBeGreaterThan(t0);
    expect(await page.locator("#replay-time").textContent()).toMatch(/^2024-07-1[89] \d\d:\d\d:\d\d\.\d{3} UTC$/);

    // Pause: the state says so at once (the POST answers the refreshed bar), then the clock stands still.
    await page.locator('#replay-toggle[data-action="pause"]').click();
    await page.locator('#replay-controls[data-state="paused"]').waitFor({ timeout: 5000 });
    expect(await page.locator("#replay-state").textContent()).toBe("paused · 10×");
    const pausedAt = await tsMs(page);
    await page.waitForTimeout(2500); // two polls
    expect(await bar.getAttribute("data-state")).toBe("paused");
    expect(await tsMs(page)).toBe(pausedAt);
    const api = await (await page.request.get(`${url}/api/replay`)).json();
    expect(api).toMatchObject({ state: "paused", paused: true, tsMs: pausedAt });

    // Resume: running again and moving.
    await page.locator('#replay-toggle[data-action="resume"]').click();
    await page.locator('#replay-controls[data-state="running"]').waitFor({ timeout: 5000 });
    await waitForClock(page, "above", pausedAt);

    // Speed: 100x is pressed and plays clearly faster than 10x did (briefly: the recordings span 8 minutes).
    const slowFrom = await tsMs(page);
    await page.waitForTimeout(2000);
    const slowRate = ((await tsMs(page)) - slowFrom) / 2000;
    await page.locator('.rc-speed[data-speed="100"]').click();
    await page.locator('#replay-controls[data-speed="100"]').waitFor({ timeout: 5000 });
    expect(await page.locator('.rc-speed[data-speed="100"]').getAttribute("aria-pressed")).toBe("true");
    const fastFrom = await tsMs(page);
    await page.waitForTimeout(1500);
    const fastRate = ((await tsMs(page)) - fastFrom) / 1500;
    expect(slowRate).toBeGreaterThan(2); // ~10 recorded ms per wall ms
    expect(fastRate).toBeGreaterThan(3 * slowRate);
    await page.locator('.rc-speed[data-speed="1"]').click();
    await page.locator('#replay-controls[data-speed="1"]').waitFor({ timeout: 5000 });

    // Back to the start: the driver replays from the first frame.
    const startTsMs = Number((await page.locator("#replay-restart").getAttribute("hx-post"))!.split("ts=")[1]);
    expect(startTsMs).toBeGreaterThan(0);
    const beforeRestart = await tsMs(page);
    await page.locator("#replay-restart").click();
    const restarted = await waitForClock(page, "below", Math.min(beforeRestart, startTsMs + 30_000), 30_000);
    expect(restarted).toBeGreaterThanOrEqual(startTsMs);

    // Seek forward 4 minutes into the recording, through whichever seek control the bar shows.
    const target = startTsMs + 4 * 60_000;
    await seekTo(page, target);
    const afterSeek = await waitForClock(page, "near-or-past", target, 30_000);
    expect(afterSeek).toBeLessThan(target + 60_000);
    expect(await bar.getAttribute("data-state")).toBe("running");

    // At max speed the replay reaches its end: finished, 100%, and now a slider over the whole span.
    await page.locator('.rc-speed[data-speed="max"]').click();
    await page.locator('#replay-controls[data-state="finished"]').waitFor({ timeout: 30_000 });
    await page.locator("#replay-seek").waitFor({ timeout: 5000 });
    expect(await page.locator("#replay-progress").textContent()).toBe("100.0%");
    expect(await page.locator('#replay-toggle[data-action="restart"]').count()).toBe(1);

    // Seek back with the slider: running again from the middle of the recording.
    await page.locator('.rc-speed[data-speed="10"]').click();
    await page.locator('#replay-controls[data-speed="10"]').waitFor({ timeout: 5000 });
    const middle = startTsMs + 2 * 60_000;
    await seekTo(page, middle);
    await page.locator('#replay-controls[data-state="running"]').waitFor({ timeout: 30_000 });
    const back = await waitForClock(page, "near-or-past", middle - 1000, 30_000);
    expect(back).toBeLessThan(middle + 60_000);

    // The dashboard still fills from the (rewound) replay.
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#ladder-bids .lvl .px")).every((el) => el.textContent !== ""), undefined, { timeout: 15_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
    await page.close();
  },
  120_000,
);

test.skipIf(!HAS_CHROMIUM)(
  "gaps: the STALE marker and the gap log; without the token the controls are locked",
  async () => {
    const url = await start("views/testing/harness.ts", ["--port", "0", "--replay", "--control-token", TOKEN]);
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const problems = collectProblems(page);
    await page.goto(`${url}/?symbol=BTCUSDT`, { waitUntil: "domcontentloaded" });
    await page.locator('#sse-status[data-state="connected"]').waitFor({ timeout: 10_000 });

    // The harness breaks BTCUSDT's chain every 6 s for 1.5 s.
    await page.locator("#book-stale").waitFor({ state: "visible", timeout: 10_000 });
    expect(await page.locator("#chart-stale").isVisible()).toBe(true);
    expect(await page.locator("#book-stale").textContent()).toBe("STALE · resyncing");
    const started = page.locator('#gap-log li[data-phase="started"]').first();
    await started.waitFor({ timeout: 5000 });
    expect(await started.locator(".r").textContent()).toBe("pu_mismatch");
    expect(await started.locator(".ids").textContent()).toMatch(/^pu \d+ ≠ \d+ · u \d+$/);
    await page.locator("#book-stale").waitFor({ state: "hidden", timeout: 5000 });
    const recovered = page.locator('#gap-log li[data-phase="recovered"]').first();
    await recovered.waitFor({ timeout: 5000 });
    expect(await recovered.locator(".ms").textContent()).toMatch(/^1[45]\d\d ms$/);
    expect(await recovered.locator(".ids").textContent()).toMatch(/^snapshot \d+$/);
    expect(Number(await page.locator("#gap-count").textContent())).toBeGreaterThanOrEqual(2);

    // No token on this page: the controls render disabled, and a POST without it is refused.
    expect(await page.locator("#replay-toggle").isDisabled()).toBe(true);
    expect(await page.content()).not.toContain(TOKEN);
    const refused = await page.request.post(`${url}/api/replay/pause`, { headers: { "hx-request": "true" } });
    expect(refused.status()).toBe(401);
    const forged = await page.request.post(`${url}/api/replay/pause`, { form: { x: "1" } });
    expect(forged.status()).toBe(401);
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-gaps.png") });
    expect(problems).toEqual([]);
    await page.close();
  },
  60_000,
);
