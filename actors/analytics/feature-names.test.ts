/** FEATURE_NAMES is the one list: native/src/features.h, the loaded library and docs/features.md agree with it. */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { nativeLibrary, nativeStatus } from "./engine.ts";
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from "./feature-names.ts";

const repo = path.resolve(import.meta.dir, "../..");

describe("feature names", () => {
  test("at least 40, unique, snake_case, indexed", () => {
    expect(FEATURE_COUNT).toBeGreaterThanOrEqual(40);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_COUNT);
    for (const name of FEATURE_NAMES) expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    FEATURE_NAMES.forEach((name, i) => expect(FEATURE_INDEX[name]).toBe(i));
  });

  test("equal the X-macro list in native/src/features.h (no compiler needed)", async () => {
    const header = await Bun.file(path.join(repo, "native/src/features.h")).text();
    const names = [...header.matchAll(/X\(\w+, "([a-z0-9_]+)"\)/g)].map((m) => m[1]);
    expect(names).toEqual([...FEATURE_NAMES]);
  });

  test.skipIf(!nativeStatus().available)("equal gn_feature_name(i) of the loaded library", () => {
    expect(nativeLibrary()!.featureNames()).toEqual([...FEATURE_NAMES]);
  });

  test("docs/features.md documents every feature, in ABI order", async () => {
    const doc = await Bun.file(path.join(repo, "docs/features.md")).text();
    const documented = [...doc.matchAll(/^\|\s*\d+\s*\|\s*`([a-z0-9_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...FEATURE_NAMES]);
  });
});
