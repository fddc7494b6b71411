/**
 * cryptofeed's raw-data recording (`sample_data/BINANCE_FUTURES*`):
 *   configuration: {...}                      -> skipped
 *   wss://...?streams=a/b/c <-> <unix s>      -> connection opened, skipped
 *   <unix s>: <raw websocket json>            -> frame as received
 *   <url> -> <unix s>: <body>                 -> a REST response
 * Only `/depth?symbol=X` bodies become frames (REST snapshots with symbol X);
 * other REST bodies (exchangeInfo) are skipped here and read by
 * `readExchangeInfoSpecs`.
 */
import type { RawFrame, SymbolSpec } from "../../../src/switchboard.ts";
import { readLineChunks } from "./lines.ts";
import type { LineParser, ReadStats } from "./parser.ts";
import { secondsTextToMs } from "./timestamps.ts";

const DEPTH_PATH = /\/depth\?/;
const SYMBOL_PARAM = /[?&]symbol=([A-Za-z0-9_-]+)/;

export function cryptofeedParser(stats: ReadStats): LineParser {
  return {
    line(text, out) {
      if (text.length === 0 || text.startsWith("configuration:") || isConnectionLine(text)) {
        stats.skippedLines++;
        return;
      }
      const rest = parseRestLine(text);
      if (rest !== undefined) {
        if (Number.isNaN(rest.localTsMs)) stats.malformedLines++;
        else if (!DEPTH_PATH.test(rest.url)) stats.skippedLines++;
        else {
          const symbol = SYMBOL_PARAM.exec(rest.url)?.[1];
          if (symbol === undefined) stats.malformedLines++;
          else out.push({ localTsMs: rest.localTsMs, text: rest.body, symbol: symbol.toUpperCase() });
        }
        return;
      }
      const colon = text.indexOf(": ");
      const localTsMs = colon > 0 ? secondsTextToMs(text.slice(0, colon)) : Number.NaN;
      if (Number.isNaN(localTsMs)) {
        stats.malformedLines++;
        return;
      }
      out.push({ localTsMs, text: text.slice(colon + 2) });
    },
    end() {},
  };
}

export function isConnectionLine(text: string): boolean {
  return (text.startsWith("wss://") || text.startsWith("ws://")) && text.includes(" <-> ");
}

/** `<url> -> <unix s>: <body>`, or undefined when the line is not a REST line. */
export function parseRestLine(text: string): { url: string; localTsMs: number; body: string } | undefined {
  if (!(text.startsWith("https://") || text.startsWith("http://"))) return undefined;
  const arrow = text.indexOf(" -> ");
  if (arrow < 0) return undefined;
  const colon = text.indexOf(": ", arrow + 4);
  if (colon < 0) return { url: text.slice(0, arrow), localTsMs: Number.NaN, body: "" };
  return { url: text.slice(0, arrow), localTsMs: secondsTextToMs(text.slice(arrow + 4, colon)), body: text.slice(colon + 2) };
}

/** Symbols subscribed on a connection line (`...?streams=sandusdt@aggTrade/...`), upper case. */
export function connectionSymbols(text: string): string[] {
  const streams = /[?&]streams=([^ &]+)/.exec(text)?.[1];
  if (!streams) return [];
  return streams.split("/").flatMap((stream) => {
    const name = stream.split("@")[0]!;
    return /^[a-z0-9_-]+$/i.test(name) ? [name.toUpperCase()] : [];
  });
}

/**
 * Tick and lot sizes from a Binance exchangeInfo body found in the file
 * (cryptofeed REST line, or the bare JSON on a line): PRICE_FILTER.tickSize
 * and LOT_SIZE.stepSize per symbol. Empty when the file holds none.
 */
export async function readExchangeInfoSpecs(path: string): Promise<Record<string, SymbolSpec>> {
  const specs: Record<string, SymbolSpec> = {};
  for await (const lines of readLineChunks(path)) {
    for (const line of lines) {
      const rest = parseRestLine(line);
      const body = rest ? (rest.url.includes("/exchangeInfo") ? rest.body : undefined) : line.startsWith("{") ? line : undefined;
      if (body === undefined || !body.includes('"symbols"')) continue;
      let info: { symbols?: unknown };
      try {
        info = JSON.parse(body) as { symbols?: unknown };
      } catch {
        continue;
      }
      if (!Array.isArray(info.symbols)) continue;
      for (const entry of info.symbols as { symbol?: unknown; filters?: unknown }[]) {
        const spec = specFromExchangeInfo(entry);
        if (spec) specs[spec.symbol] = spec;
      }
    }
  }
  return specs;
}

function specFromExchangeInfo(entry: { symbol?: unknown; filters?: unknown }): SymbolSpec | undefined {
  if (typeof entry.symbol !== "string" || !Array.isArray(entry.filters)) return undefined;
  let tickSize = Number.NaN;
  let lotSize = Number.NaN;
  for (const filter of entry.filters as Record<string, unknown>[]) {
    if (filter.filterType === "PRICE_FILTER") tickSize = Number(filter.tickSize);
    if (filter.filterType === "LOT_SIZE") lotSize = Number(filter.stepSize);
  }
  if (!(tickSize > 0 && lotSize > 0)) return undefined;
  return { symbol: entry.symbol.toUpperCase(), tickSize, lotSize };
}
