/**
 * The chart's prefill in a real browser (Debian's chromium via playwright-core):
 * the web layer in this process, its history read from a scratch database on
 * the real PostgreSQL server holding the last hour of BTCUSDT, its live feed
 * a FakeMarket through a real Fanout. On open the chart shows the recorded
 * hour at once, then live points append on the one SSE connection; live mids
 * that leave the 5-minute live window fold into the past buckets. Without a
 * database the page asks for no history at all. Skipped without chromium.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { type Database, openDatabase } from "../src/db/database.ts";
import { historyQueries } from "../src/db/history.ts";
import { PartitionManager } from "../src/db/partitions.ts";
import { createScratchDatabase, makeTempDir, type ScratchDatabase } from "../src/db/testing.ts";
import { createWebApp } from "./app.ts";
import type { WebDeps } from "./deps.ts";
import { HAS_CHROMIUM, ROOT, collectProblems, launchBrowser } from "./testing/browser.ts";
import { testDeps } from "./testing/deps.ts";
import { FakeMarket } from "./testing/fake-market.ts";

const SCREENSHOT = process.env.GENESIS_HISTORY_SCREENSHOT ?? path.join(ROOT, ".tmp/history.png");
/** One feature row every 2 s from 50 minutes ago: 600 five-second buckets (none in the hour's first 10 minutes, so a jump of 6 minutes trims none). */
const ROW_EVERY_MS = 2000;
const ROWS_FROM_MS_AGO = 3_000_000;

let scratch: ScratchDatabase | undefined;
let db: Database | undefined;
let browser: Browser | undefined;
const dir = makeTempDir();
const servers: { stop(): void }[] = [];

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  scratch = await createScratchDatabase();
  db = await openDatabase({ url: scratch.url, dataDir: dir.path });
  const sql = db.sql;
  const nowMs = Date.now();
  const startMs = nowMs - ROWS_FROM_MS_AGO;
  const times = Array.from({ length: Math.floor((nowMs - startMs) / ROW_EVERY_MS) }, (_, i) => startMs + i * ROW_EVERY_MS);
  await new PartitionManager(sql).ensureDays("features", times);
  const [set] = await sql<{ id: number }[]>`INSERT INTO feature_sets (names) VALUES (${["mid"]}) RETURNING id`;
  const rows = times.map((tsMs, i) => ({
    symbol: "BTCUSDT",
    ts: new Date(tsMs),
    local_ts: new Date(tsMs + 1),
    feature_set: set!.id,
    mid: 65_000 + 50 * Math.sin(i / 100),
    spread: 0.1,
    microprice: 65_000,
    imbalance_l5: 0,
    feature_values: [0],
  }));
  for (let i = 0; i < rows.length; i += 500) await sql`INSERT INTO features ${sql(rows.slice(i, i + 500))}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.stop();
  await db?.close();
  await scratch?.drop();
  dir.remove();
});

/** Serves the web layer on a free port; `live()` starts the fake market (books, trades, features at 50 Hz). */
function serve(overrides: Partial<WebDeps>) {
  const deps = testDeps(overrides);
  const app = createWebApp(deps).listen({ hostname: "127.0.0.1", port: 0 });
  const market = new FakeMarket("BTCUSDT", 0.1, 65_000, 1);
  let timer: ReturnType<typeof setInterval> | undefined;
  servers.push({ stop: () => (clearInterval(timer), app.stop(true)) });
  return {
    url: `http://127.0.0.1:${app.server!.port}`,
    live: () => (timer = setInterval(() => deps.fanout.publish(market.step(Date.now())), 20)),
    /** Stops the feed, then publishes one step at `tsMs`. */
    jumpTo: (tsMs: number) => {
      clearInterval(timer);
      deps.fanout.publish(market.step(tsMs));
    },
  };
}

const points = (page: Page) => page.locator("#price-chart").getAttribute("data-points").then(Number);

test.skipIf(!HAS_CHROMIUM)("the chart opens with the recorded hour, then live points append", async () => {
  const { url, live, jumpTo } = serve({ history: historyQueries(db!.sql) });
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = collectProblems(page);
  const historyRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/history")) historyRequests.push(request.url());
  });

  await page.goto(url, { waitUntil: "domcontentloaded" });
  expect(await page.locator("#dashboard").getAttribute("data-history")).toBe("on");
  // No live data yet: whatever the chart shows came from the database.
  await page.locator('#price-chart[data-history="loaded"]').waitFor({ timeout: 15_000 });
  const pastPoints = Number(await page.locator("#price-chart").getAttribute("data-history-points"));
  expect(pastPoints).toBeGreaterThanOrEqual(595); // 5 s buckets over the last 50 minutes
  expect(pastPoints).toBeLessThanOrEqual(601);
  await page.waitForFunction((n) => Number(document.getElementById("price-chart")!.dataset.points) === n, pastPoints, { timeout: 5_000 });
  expect(historyRequests).toHaveLength(1);
  expect(historyRequests[0]).toContain("/api/history?symbol=BTCUSDT");

  // Live points append after the past ones, on the page's one connection.
  live();
  await page.locator('#sse-status[data-state="connected"]').waitFor({ timeout: 10_000 });
  await page.waitForFunction((n) => Number(document.getElementById("price-chart")!.dataset.points) >= n + 20, pastPoints, { timeout: 15_000 });
  const withLive = await points(page);
  await page.waitForFunction((n) => Number(document.getElementById("price-chart")!.dataset.points) > n, withLive, { timeout: 10_000 });
  expect(Number(await page.locator("#price-chart").getAttribute("data-past-points"))).toBe(pastPoints);

  // Six minutes later: the live mids so far leave the live window and become past buckets (at least one).
  await page.waitForTimeout(1500);
  jumpTo(Date.now() + 360_000);
  await page.waitForFunction((n) => Number(document.getElementById("price-chart")!.dataset.pastPoints) > n, pastPoints, { timeout: 10_000 });
  const past = Number(await page.locator("#price-chart").getAttribute("data-past-points"));
  expect(past).toBeLessThanOrEqual(pastPoints + 4); // ~3 s of live mids: one or two 5 s buckets
  await page.screenshot({ path: SCREENSHOT });
  expect(problems).toEqual([]);
  await page.close();
});

test.skipIf(!HAS_CHROMIUM)("without a database the page asks for no history", async () => {
  const { url, live } = serve({});
  live();
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = collectProblems(page);
  const historyRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/history")) historyRequests.push(request.url());
  });
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => Number(document.getElementById("price-chart")!.dataset.points) >= 20, undefined, { timeout: 15_000 });
  expect(await page.locator("#dashboard").getAttribute("data-history")).toBeNull();
  expect(await page.locator("#price-chart").getAttribute("data-history")).toBeNull();
  expect(historyRequests).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
