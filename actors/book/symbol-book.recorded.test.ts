/** The sync rules on real Binance recordings: a continuous session must rebuild without a single gap. */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { MarketEvent } from "../../src/switchboard.ts";
import { sharedDataFile } from "../../src/shared-data.ts";
import { specFor } from "../../src/symbols.ts";
import { decodeFrame } from "./binance-decode.ts";
import { SymbolBook } from "./symbol-book.ts";
import type { GapFact } from "../../src/switchboard.ts";


async function replay(symbol: string, files: string[]) {
  const gaps: GapFact[] = [];
  const book = new SymbolBook(specFor(symbol)!, () => {}, (gap) => gaps.push(gap));
  const out: MarketEvent[] = [];
  let crossed = 0;
  for (const file of files) {
    const bytes = await Bun.file(sharedDataFile(`binance-usdm/hftbacktest/${file}`)).arrayBuffer();
    for (const line of gunzipSync(new Uint8Array(bytes)).toString("utf8").split("\n")) {
      const space = line.indexOf(" ");
      if (space < 0) continue;
      const msg = decodeFrame(line.slice(space + 1), symbol);
      if (msg.kind === "depth") book.onDiff(msg, 0, out);
      else if (msg.kind === "snapshot") book.onSnapshot(msg, 0, out);
      if (book.book.isCrossed) crossed++;
    }
  }
  return { book, gaps, crossed, updates: out.length };
}

describe("SymbolBook on real recordings", () => {
  test.each([
    ["BTCUSDT", ["btcusdt_20240718.gz", "btcusdt_20240719.gz"], 3326 + 5696],
    ["ETHUSDT", ["ethusdt_20240718.gz", "ethusdt_20240719.gz"], 3273 + 5656],
  ])("%s: one snapshot, then every diff chains on pu across both files", async (symbol, files, diffs) => {
    const { book, gaps, crossed, updates } = await replay(symbol, files);
    expect(gaps).toEqual([]);
    expect(crossed).toBe(0);
    expect(book.state).toBe("live");
    // Every diff is either before the snapshot (dropped) or applied; one extra event is the snapshot itself.
    expect(updates).toBeGreaterThan(diffs * 0.9);
    expect(book.counts.applied + 1).toBe(updates);
  });
});
