/**
 * The dashboard in a real browser (Debian's chromium via playwright-core)
 * against the real service: `bun src/main.ts --mode sim --port 0`.
 * GENESIS_DASHBOARD_CMD=harness runs views/testing/harness.ts instead (the
 * web layer alone). Skipped when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import type { Browser } from "playwright-core";
import { HAS_CHROMIUM, ROOT, type Service, collectProblems, launchBrowser, startService, stopService } from "./testing/browser.ts";

const SCREENSHOT = process.env.GENESIS_SCREENSHOT ?? path.join(ROOT, ".tmp/dashboard.png");
const entry = process.env.GENESIS_DASHBOARD_CMD === "harness" ? "views/testing/harness.ts" : "src/main.ts";

let service: Service | undefined;
let browser: Browser | undefined;
let baseUrl = "";

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  const args = entry === "src/main.ts" ? ["--mode", "sim", "--port", "0", "--host", "127.0.0.1"] : ["--port", "0"];
  service = await startService(entry, args);
  baseUrl = service.url;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stopService(service);
});

test.skipIf(!HAS_CHROMIUM)("the dashboard fills from the live feed without console errors", async () => {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const problems = collectProblems(page);

  const response = await page.goto(baseUrl, { waitUntil: "domcontentloaded" });
  expect(response?.status()).toBe(200);
  const symbol = await page.locator("#dashboard").getAttribute("data-symbol");
  expect(symbol).toMatch(/^[A-Z0-9]+$/);

  await page.locator('#sse-status[data-state="connected"]').waitFor({ timeout: 10_000 });
  expect(await page.locator("#sse-status").textContent()).toBe("connected");

  // Ladder: 20 filled levels per side, bids strictly descending, asks strictly ascending from the best.
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll("#ladder .lvl .px")).every((el) => el.textContent !== ""),
    undefined,
    { timeout: 15_000 },
  );
  const ladder = await page.evaluate(() => {
    const side = (id: string) =>
      Array.from(document.querySelectorAll(`#${id} .lvl`))
        .map((row) => ({ level: Number((row as HTMLElement).dataset.level), px: Number(row.querySelector(".px")!.textContent!.replaceAll(",", "")) }))
        .sort((a, b) => a.level - b.level)
        .map((row) => row.px);
    return { bids: side("ladder-bids"), asks: side("ladder-asks") };
  });
  expect(ladder.bids.length).toBe(20);
  expect(ladder.asks.length).toBe(20);
  for (let i = 1; i < 20; i++) {
    expect(ladder.bids[i]!).toBeLessThan(ladder.bids[i - 1]!);
    expect(ladder.asks[i]!).toBeGreaterThan(ladder.asks[i - 1]!);
  }
  expect(ladder.asks[0]!).toBeGreaterThan(ladder.bids[0]!);

  // Chart: a canvas that has received points, and keeps receiving them.
  expect(await page.locator("#price-chart canvas").count()).toBe(1);
  await page.waitForFunction(() => Number(document.getElementById("price-chart")!.dataset.points) >= 20, undefined, { timeout: 15_000 });
  const points = Number(await page.locator("#price-chart").getAttribute("data-points"));
  await page.waitForFunction((before) => Number(document.getElementById("price-chart")!.dataset.points) > before, points, { timeout: 10_000 });

  // Feature tiles: at least a few show numbers.
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll("#feature-tiles .tile-value")).filter((el) => /\d/.test(el.textContent ?? "")).length >= 4,
    undefined,
    { timeout: 15_000 },
  );
  const tileTexts = await page.locator("#feature-tiles .tile-value").allTextContents();
  expect(tileTexts.length).toBeGreaterThanOrEqual(4);
  expect(await page.locator("#tile-spread_bps .tile-value").textContent()).toMatch(/^-?[\d,]+(\.\d+)?$/);

  // Let the page run a moment (tape, actors, rate), then look at it.
  await page.waitForTimeout(2500);
  expect(await page.locator("#actor-states .actor").count()).toBeGreaterThan(0);
  expect(await page.locator("#msg-rate").textContent()).toMatch(/^[1-9][\d,]* msg\/s$/);
  await page.screenshot({ path: SCREENSHOT });

  // The symbol switcher re-renders the page for the other symbol.
  const other = page.locator('#symbol-switcher a:not([aria-current="page"])').first();
  if ((await other.count()) > 0) {
    const otherSymbol = (await other.textContent())!;
    await other.click();
    await page.waitForURL(`**/?symbol=${otherSymbol}`);
    expect(await page.locator("#dashboard").getAttribute("data-symbol")).toBe(otherSymbol);
    await page.locator('#sse-status[data-state="connected"]').waitFor({ timeout: 10_000 });
  }

  expect(problems).toEqual([]);

  // When the service goes away the badge stops claiming "connected".
  service!.child.kill("SIGTERM");
  await service!.child.exited;
  await page.waitForFunction(() => document.getElementById("sse-status")!.dataset.state !== "connected", undefined, { timeout: 15_000 });
  const state = await page.locator("#sse-status").getAttribute("data-state");
  expect(state === "reconnecting" || state === "closed").toBe(true);
  await page.close();
});
