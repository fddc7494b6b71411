/**
 * Turns CLI options into the feed's input and the symbols to serve: sim and
 * live take --symbols; replay finds them in the recordings unless told.
 * Instrument specs come from the exchange where it publishes them.
 */
import type { FeedInput } from "../../actors/feed/drivers.ts";
import { fetchExchangeInfo } from "../../actors/feed/live/exchange-info.ts";
import { discoverSymbols, readExchangeInfoTickSizes } from "../../actors/feed/recordings/read.ts";
import type { ReplaySpeed } from "../../actors/feed/replay-driver.ts";
import { CliExit, type ServeOptions } from "../cli.ts";
import type { Database } from "../db/database.ts";
import type { SymbolSpec } from "../switchboard.ts";

export interface MarketSource {
  readonly symbols: string[];
  readonly feed: FeedInput;
  readonly specs: Record<string, SymbolSpec>;
}

export async function marketSource(options: ServeOptions, database: Database | null = null): Promise<MarketSource> {
  const recordDir = typeof options.record === "string" ? options.record : undefined;
  switch (options.mode) {
    case "sim": {
      const symbols = options.symbols!;
      return { symbols, specs: {}, feed: { mode: "sim", symbols, seed: options.seed, paced: true, eventsPerSecondPerSymbol: options.rate, recordDir } };
    }
    case "replay":
      if (options.fromDb) {
        const symbols = options.symbols!;
        const fromDb = { sql: database!.sql, symbols, fromMs: options.start!, toMs: options.end! };
        return { symbols, specs: {}, feed: { mode: "replay", paths: [], speed: options.speed, fromDb, recordDir } };
      }
      return replaySource(options.input, options.symbols, options.speed, recordDir);
    case "live": {
      const symbols = options.symbols!;
      let specs: Record<string, SymbolSpec> = {};
      try {
        specs = Object.fromEntries(await fetchExchangeInfo(options.binanceRest));
      } catch (error) {
        console.error(`genesis: exchangeInfo unavailable (${String(error)}); using built-in tick sizes`);
      }
      return {
        symbols,
        specs,
        feed: { mode: "live", symbols, wsBase: options.binanceWs, restBase: options.binanceRest, depthSpeed: options.depthSpeed, recordDir },
      };
    }
  }
}

export async function replaySource(paths: string[], only: string[] | undefined, speed: ReplaySpeed, recordDir?: string): Promise<MarketSource> {
  const symbols = only ?? (await discoverSymbols(paths));
  if (symbols.length === 0) throw new CliExit(2, `genesis: no market data found in --input ${paths.join(",")}`);
  const specs = await specsFromRecordings(paths);
  return { symbols, specs, feed: { mode: "replay", paths, speed, recordDir } };
}

/** Tick sizes from any exchangeInfo body among the recordings (cryptofeed keeps one). */
async function specsFromRecordings(paths: readonly string[]): Promise<Record<string, SymbolSpec>> {
  const specs: Record<string, SymbolSpec> = {};
  for (const path of paths) {
    const found = await readExchangeInfoTickSizes(path).catch(() => ({}));
    Object.assign(specs, found);
  }
  return specs;
}
