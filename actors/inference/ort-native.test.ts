import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { extractRuntime, loadOrtBinding, ortCacheRoot } from "./ort-native.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "genesis-ort-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files = [
  { name: "libonnxruntime.so.1", bytes: new TextEncoder().encode("library bytes") },
  { name: "onnxruntime_binding.node", bytes: new TextEncoder().encode("binding bytes") },
];

describe("the runtime's private folder", () => {
  test("extracts both files into one folder, then reuses it", () => {
    const root = path.join(scratch, "a");
    const folder = extractRuntime(files, [root]);
    expect(path.dirname(folder)).toBe(root);
    expect(path.basename(folder)).toMatch(/^ort-1\.30\.0-[0-9a-z]+$/);
    for (const f of files) expect(readFileSync(path.join(folder, f.name), "utf8")).toBe(new TextDecoder().decode(f.bytes));
    const written = statSync(path.join(folder, files[0]!.name)).mtimeMs;
    expect(extractRuntime(files, [root])).toBe(folder);
    expect(statSync(path.join(folder, files[0]!.name)).mtimeMs).toBe(written);
    expect(readdirSync(root)).toEqual([path.basename(folder)]); // no staging folder left behind
  });

  test("a damaged copy (same size, other bytes) is replaced", () => {
    const root = path.join(scratch, "b");
    const folder = extractRuntime(files, [root]);
    writeFileSync(path.join(folder, files[1]!.name), "BINDING BYTES");
    expect(extractRuntime(files, [root])).toBe(folder);
    expect(readFileSync(path.join(folder, files[1]!.name), "utf8")).toBe("binding bytes");
  });

  test("falls back to the next root when one is not writable, and names them all when none is", () => {
    const readOnly = path.join(scratch, "ro");
    rmSync(readOnly, { force: true, recursive: true });
    writeFileSync(readOnly, "a file, not a folder");
    const fallback = path.join(scratch, "fallback");
    expect(path.dirname(extractRuntime(files, [path.join(readOnly, "cache"), fallback]))).toBe(fallback);
    expect(() => extractRuntime(files, [path.join(readOnly, "x")])).toThrow(/cannot extract the embedded runtime: .*ro\/x/);
  });

  test("the cache root follows GENESIS_ORT_CACHE, XDG_CACHE_HOME, then HOME", () => {
    expect(ortCacheRoot({ GENESIS_ORT_CACHE: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/c");
    expect(ortCacheRoot({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/genesis");
    expect(ortCacheRoot({ HOME: "/h" })).toBe("/h/.cache/genesis");
  });

  test("from the repository the binding loads in place, next to its library", () => {
    const { binding, folder } = loadOrtBinding();
    expect(folder).toContain(path.join("node_modules", "onnxruntime-node", "bin"));
    expect(binding.listSupportedBackends().map((b) => b.name)).toContain("cpu");
  });
});
