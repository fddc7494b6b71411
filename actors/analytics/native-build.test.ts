/**
 * native/build.sh (the postinstall step) and the single binary: the library
 * embedded by `bun build --compile` is extracted and loaded from anywhere.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { nativeStatus } from "./engine.ts";

const repo = path.resolve(import.meta.dir, "../..");
const buildScript = path.join(repo, "native/build.sh");

describe("native/build.sh", () => {
  test("without cmake: one notice, exit 0", () => {
    const proc = Bun.spawnSync(["bash", buildScript], { env: { ...process.env, CMAKE: "/nonexistent/cmake" } });
    expect(proc.exitCode).toBe(0);
    expect(proc.stdout.toString()).toBe("genesis: no C++ toolchain, the TypeScript engine will be used\n");
  });

  test.skipIf(!Bun.which("cmake"))("a failing build exits non-zero", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "genesis-build-"));
    const proc = Bun.spawnSync(["bash", buildScript], { env: { ...process.env, CXX: "/bin/false", GENESIS_NATIVE_BUILD_DIR: dir } });
    expect(proc.exitCode).not.toBe(0);
  });
});

describe.skipIf(!nativeStatus().available)("single binary", () => {
  test("bun build --compile embeds libgenesis; the binary runs from another directory", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "genesis-compile-"));
    const entry = path.join(dir, "probe.ts");
    writeFileSync(
      entry,
      `import { createFeatureEngine, nativeStatus } from ${JSON.stringify(path.join(import.meta.dir, "engine.ts"))};
       const e = createFeatureEngine("native", { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 });
       const empty = new Float64Array(0);
       const [row] = e.process([{ kind: "book", symbol: "BTCUSDT", exchTsMs: 1, localTsMs: 1, u: 1, reset: true, stale: false,
         levelSide: Uint8Array.of(0, 1), levelPriceTicks: Float64Array.of(1000, 1002), levelQty: Float64Array.of(1, 2),
         topBidPrice: empty, topBidQty: empty, topAskPrice: empty, topAskQty: empty }]);
       console.log(JSON.stringify({ status: nativeStatus(), mid: row.values[4] }));`,
    );
    const outfile = path.join(dir, "genesis-test");
    const built = Bun.spawnSync([process.execPath, "build", "--compile", entry, "--outfile", outfile], { cwd: repo });
    expect(built.exitCode).toBe(0);
    const env = { ...process.env };
    delete env.GENESIS_NATIVE_LIB;
    const ran = Bun.spawnSync([outfile], { cwd: tmpdir(), env });
    expect(ran.exitCode).toBe(0);
    const result = JSON.parse(ran.stdout.toString().trim());
    expect(result.status.available).toBe(true);
    expect(result.status.path).toContain("$bunfs"); // the embedded copy, not native/build
    expect(result.mid).toBe(100.1);
  });
});
