/** The test exchange as its own process: `bun src/test-exchange/main.ts --input FILES --port N`. */
import { expect, test } from "bun:test";
import path from "node:path";
import { sharedDataFile } from "../shared-data.ts";

test("starts on a free port, prints where, serves REST and websocket, stops on SIGTERM", async () => {
  const input = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz");
  const proc = Bun.spawn([process.execPath, path.join(import.meta.dir, "main.ts"), "--input", input, "--port", "0", "--speed", "max"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const reader = proc.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const info = JSON.parse(text.split("\n")[0]!) as { port: number; wsBase: string; restBase: string; symbols: string[] };
    expect(info.symbols).toEqual(["BTCUSDT"]);
    expect(info.port).toBeGreaterThan(0);
    expect(await (await fetch(`${info.restBase}/fapi/v1/ping`)).json()).toEqual({});
    const frames: string[] = [];
    const ws = new WebSocket(`${info.wsBase}/public/stream?streams=btcusdt@depth@100ms`);
    ws.onmessage = (event) => frames.push(String(event.data));
    const deadline = performance.now() + 5000;
    while (frames.length < 100 && performance.now() < deadline) await Bun.sleep(10);
    ws.close();
    expect(frames.length).toBeGreaterThanOrEqual(100);
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
}, 20_000);

test("a bad flag names itself and exits non-zero", async () => {
  const proc = Bun.spawn([process.execPath, path.join(import.meta.dir, "main.ts"), "--input", "x", "--speed", "fast"], { stdout: "pipe", stderr: "pipe" });
  expect(await proc.exited).not.toBe(0);
  expect(await new Response(proc.stderr).text()).toContain('--speed must be a positive number or "max", got "fast"');
});
