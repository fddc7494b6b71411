/**
 * The alerts console through app.handle: validation (400s naming the
 * parameter), 503 without a database, 404 for an unknown id, escaping of
 * hostile evidence, and the whole stack on a real database of each engine
 * (rows written by the recorder's writer, read back by src/db/anomalies.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PgBatchWriter } from "../../actors/recorder/pg-writer.ts";
import { ANOMALIES, anomalyRow, BOOK, bookRow } from "../../actors/recorder/rows.ts";
import { makeAnomaly, T0_MS } from "../../actors/recorder/test-support.ts";
import { anomalyQueries, type AnomalyListQuery, type AnomalyQueries, type AnomalyRecord } from "../../src/db/anomalies.ts";
import { openTestDatabase, type EngineKind, type TestDatabase } from "../../src/db/testing.ts";
import type { AnomalyFact, BookUpdate } from "../../src/switchboard.ts";
import { createWebApp } from "../app.ts";
import { PRIVACY_BANNER } from "../partials/alerts.ts";
import { testDeps } from "../testing/deps.ts";
import { ANOMALIES_UNAVAILABLE, evidencePrices } from "./alerts.ts";

const get = (app: { handle(request: Request): Promise<Response> }, path: string) => app.handle(new Request(`http://localhost${path}`));
const { kind: _kind, localTsMs: _local, ...hostile } = makeAnomaly(7);

class FakeAnomalies implements AnomalyQueries {
  readonly listCalls: AnomalyListQuery[] = [];
  constructor(readonly alerts: AnomalyRecord[]) {}
  async list(query: AnomalyListQuery) {
    this.listCalls.push(query);
    return this.alerts;
  }
  async byId(id: string) {
    return this.alerts.find((a) => a.id === id) ?? null;
  }
  async book() {
    return [];
  }
}

describe("without a database", () => {
  const app = createWebApp(testDeps());
  test.each(["/api/anomalies", "/api/anomalies?type=nope", "/api/anomalies/x", "/alerts/x"])("%s is a 503 that says why", async (path) => {
    const res = await get(app, path);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe(`${ANOMALIES_UNAVAILABLE}\n`);
  });
  test("/alerts still renders, with the banner and the reason, as a 503", async () => {
    const res = await get(app, "/alerts");
    expect(res.status).toBe(503);
    const page = await res.text();
    expect(page).toContain(PRIVACY_BANNER);
    expect(page).toContain(ANOMALIES_UNAVAILABLE);
  });
});

describe("with fake queries", () => {
  const fake = new FakeAnomalies([hostile]);
  const app = createWebApp(testDeps({ anomalies: fake }));

  test.each([
    ["type=spoof", "unknown type \"spoof\"; known: spoofing,layering"],
    ["minScore=101", 'invalid minScore "101"'],
    ["minScore=-1", 'invalid minScore "-1"'],
    ["from=yesterday", 'invalid from "yesterday"'],
    ["to=2024-13-99", 'invalid to "2024-13-99"'],
    ["from=2000&to=1000", 'from "2000" must be before to "1000"'],
    ["limit=0", 'invalid limit "0"'],
    ["symbol=BTC%3CUSDT", 'invalid symbol "BTC<USDT"'],
  ])("?%s is a 400 naming it, on the page and the API", async (qs, message) => {
    for (const base of ["/api/anomalies", "/alerts"]) {
      const res = await get(app, `${base}?${qs}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(message);
    }
  });

  test("filters reach the query parsed", async () => {
    const res = await get(app, "/api/anomalies?symbol=btcusdt&type=layering&minScore=50&from=2024-07-19T00:00:00Z&to=1721433600000&limit=5");
    expect(res.status).toBe(200);
    expect(fake.listCalls.at(-1)).toEqual({ symbol: "BTCUSDT", type: "layering", minScore: 50, fromMs: T0_MS, toMs: T0_MS + 86_400_000, limit: 5 });
    expect((await res.json()).anomalies).toEqual([JSON.parse(JSON.stringify(hostile))]);
  });

  test("hostile explanation and evidence are escaped on the list and the detail page", async () => {
    const list = await (await get(app, "/alerts")).text();
    const detail = await get(app, `/alerts/${encodeURIComponent(hostile.id)}`);
    expect(detail.status).toBe(200);
    for (const page of [list, await detail.text()]) {
      expect(page).toContain(PRIVACY_BANNER);
      expect(page).not.toContain("<b>7</b>");
      expect(page).toContain("Large bid &lt;b&gt;7&lt;/b&gt; placed &amp; cancelled &quot;quickly&quot;.");
    }
    const body = await (await get(app, `/alerts/${encodeURIComponent(hostile.id)}`)).text();
    expect(body).not.toContain("<script>alert");
    expect(body).toContain("&lt;script&gt;alert(&quot;x7&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    expect(body).toContain('<th>lifetimeMs</th>'); // the levels list became a table
  });

  test("an unknown id is a 404 naming it", async () => {
    for (const path of ["/alerts/nope%3Cx", "/api/anomalies/nope%3Cx"]) {
      const res = await get(app, path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('no alert with id "nope<x"\n');
    }
  });

  test("the dashboard links to the alerts page", async () => {
    expect(await (await get(app, "/")).text()).toContain('href="/alerts"');
  });
});

test("evidencePrices finds the prices the evidence names, in any spelling and depth", () => {
  expect(evidencePrices({ levels: [{ price: 100.5, qty: 3 }, { priceTicks: 1006, qty: 1 }], related: { trades: [{ px: 100.4 }] }, prices: [100.7, "x"] }, 0.1)).toEqual([
    100.4, 100.5, 100.6, 100.7,
  ]);
  expect(evidencePrices({ qty: 5, priceTicks: 10 }, null)).toEqual([]);
});

function snapshot(i: number): BookUpdate {
  const px = (base: number, dir: number) => Float64Array.from({ length: 20 }, (_, k) => base + dir * k * 0.1);
  return {
    kind: "book", symbol: "BTCUSDT", exchTsMs: T0_MS + i * 100, localTsMs: T0_MS + i * 100 + 2, u: 1000 + i, reset: false, stale: false,
    levelSide: new Uint8Array(0), levelPriceTicks: new Float64Array(0), levelQty: new Float64Array(0),
    topBidPrice: px(64_000, -1), topBidQty: Float64Array.from({ length: 20 }, (_, k) => k + i), topAskPrice: px(64_000.1, 1), topAskQty: Float64Array.from({ length: 20 }, () => 1),
  };
}

for (const engine of ["server", "embedded"] as EngineKind[]) {
  describe(`on a real database (${engine})`, () => {
    let t: TestDatabase;
    const alerts: AnomalyFact[] = [makeAnomaly(1), makeAnomaly(2), makeAnomaly(3, "ETHUSDT"), makeAnomaly(58)];
    beforeAll(async () => {
      t = await openTestDatabase(engine);
      const writer = PgBatchWriter.forDatabase(t.db);
      await writer.prepare([]);
      const rows = [
        ...Array.from({ length: 600 }, (_, i) => ({ table: BOOK, values: bookRow(snapshot(i)) }) as const),
        ...alerts.map((a) => ({ table: ANOMALIES, values: anomalyRow(a) }) as const),
      ].map((r, seq) => ({ ...r, seq }));
      await writer.write({ session: "alerts-test", featureNames: [], rows });
    }, 60_000);
    afterAll(() => t?.close());

    test("list: newest first, filtered by symbol, type, score and time", async () => {
      const app = createWebApp(testDeps({ anomalies: anomalyQueries(t.db.sql) }));
      const ids = async (qs: string) => ((await (await get(app, `/api/anomalies?${qs}`)).json()).anomalies as AnomalyRecord[]).map((a) => a.id);
      expect(await ids("")).toEqual([alerts[3]!.id, alerts[2]!.id, alerts[1]!.id, alerts[0]!.id]);
      expect(await ids("symbol=ETHUSDT")).toEqual([alerts[2]!.id]);
      expect(await ids("type=layering")).toEqual([alerts[2]!.id, alerts[0]!.id]);
      expect(await ids("minScore=45")).toEqual([alerts[3]!.id]); // scores 41.25, 42.25, 43.25, 98.25
      expect(await ids(`from=${T0_MS + 2_000}&to=${T0_MS + 3_000}`)).toEqual([alerts[1]!.id]);
      expect(await ids("limit=1")).toEqual([alerts[3]!.id]);
    });

    test("detail: the alert round-trips and the replay holds the book from tsStart - 10 s to tsEnd + 10 s", async () => {
      const app = createWebApp(testDeps({ anomalies: anomalyQueries(t.db.sql) }));
      const a = alerts[1]!;
      const res = await get(app, `/api/anomalies/${encodeURIComponent(a.id)}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      const { kind: _k, localTsMs: _l, ...want } = a;
      expect(body.alert).toEqual(JSON.parse(JSON.stringify(want)));
      expect(body.replay.fromMs).toBe(a.tsStart - 10_000);
      const ts = (body.replay.snapshots as { ts: number }[]).map((s) => s.ts);
      // Snapshots every 100 ms from T0 to T0 + 59.9 s; the window [T0 - 8 s, T0 + 12.25x s] is clipped below by the data.
      expect(ts[0]).toBe(T0_MS);
      expect(ts.at(-1)).toBe(T0_MS + Math.floor((a.tsEnd + 10_000 - T0_MS) / 100) * 100);
      expect(body.replay.snapshots[5].bidQty).toEqual(Array.from({ length: 20 }, (_, k) => k + 5));
      expect(body.replay.levels).toEqual([64_000.2]); // evidence priceTicks 640002 at BTCUSDT's 0.1 tick
      const page = await (await get(app, `/alerts/${encodeURIComponent(a.id)}`)).text();
      expect(page).toContain(`data-api="/api/anomalies/${encodeURIComponent(a.id)}"`);
      expect(page).toContain('id="replay-scrubber"');
    });
  });
}
