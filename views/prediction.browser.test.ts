/**
 * The dashboard's DeepLOB panel in a real browser (Debian's chromium via
 * playwright-core) against the real service in sim mode with the shipped
 * model: the bars, the most likely label and the model line follow the
 * `prediction` events. Skipped when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { DEFAULT_MODEL_DIR } from "../actors/inference/test-model.ts";
import { HAS_CHROMIUM, type Service, collectProblems, launchBrowser, startService, stopService } from "./testing/browser.ts";

let service: Service | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  service = await startService("src/main.ts", ["--mode", "sim", "--port", "0", "--no-record", "--symbols", "BTCUSDT", "--model", DEFAULT_MODEL_DIR, "--predict-ms", "200"]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stopService(service);
});

test.skipIf(!HAS_CHROMIUM)("the prediction panel shows and updates the model's confidence", async () => {
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = collectProblems(page);
  // The server renders the empty panel; the page may already have painted a prediction when we look.
  expect(await (await fetch(service!.url)).text()).toContain('<p id="prediction-model" class="muted pmodel">no prediction yet</p>');
  await page.goto(service!.url, { waitUntil: "domcontentloaded" });

  await page
    .waitForFunction(() => Number(document.getElementById("prediction-panel")!.dataset.count ?? 0) >= 1, undefined, { timeout: 20_000 })
    .catch(async (error: Error) => {
      // Say which side stopped: the model's counters on the server, and what its SSE stream carries right now.
      const health = (await (await fetch(`${service!.url}/health`)).json()) as { model?: unknown };
      const sse = await readFor(`${service!.url}/sse?events=prediction`, 2_000);
      throw new Error(`${error.message}\nserver model counters: ${JSON.stringify(health.model)}\nprediction SSE for 2 s: ${sse.slice(0, 300)}`);
    });
  const read = () =>
    page.evaluate(() => {
      const panel = document.getElementById("prediction-panel")!;
      const bars = Array.from(panel.querySelectorAll<HTMLElement>(".pbar")).map((bar) => ({
        label: bar.dataset.label!,
        value: Number(bar.querySelector(".pbar-value")!.textContent!.replace("%", "")),
        width: Number.parseFloat((bar.querySelector(".pbar-fill") as HTMLElement).style.width),
      }));
      return { bars, top: panel.dataset.top!, count: Number(panel.dataset.count), model: document.getElementById("prediction-model")!.textContent!, time: document.getElementById("prediction-time")!.textContent! };
    });
  const first = await read();
  expect(first.bars.map((b) => b.label)).toEqual(["up", "stationary", "down"]);
  expect(first.bars.reduce((sum, b) => sum + b.value, 0)).toBeCloseTo(100, 0);
  for (const bar of first.bars) expect(bar.width).toBeCloseTo(bar.value, 1);
  const best = first.bars.reduce((a, b) => (b.value > a.value ? b : a));
  expect(first.top).toBe(best.label);
  expect(first.model).toMatch(/^\S+ · horizon \d+ events$/);
  expect(first.time).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);

  // Later predictions repaint the panel.
  await page.waitForFunction((before) => Number(document.getElementById("prediction-panel")!.dataset.count) > before + 2, first.count, { timeout: 20_000 });
  const later = await read();
  expect(later.time).not.toBe(first.time);
  expect(problems).toEqual([]);
  await page.close();
}, 60_000);

/** What a streaming response carries in its first `ms` milliseconds (for failure messages). */
async function readFor(url: string, ms: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const decoder = new TextDecoder();
  let text = "";
  try {
    const reader = (await fetch(url, { signal: controller.signal })).body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The abort ends the read: what came so far is the answer.
  } finally {
    clearTimeout(timer);
  }
  return text;
}
