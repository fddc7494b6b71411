/**
 * PGlite's engine files, as static `with { type: "file" }` imports: under
 * `bun run` they are paths into node_modules; under `bun build --compile`
 * Bun embeds them and the paths point into the binary's /$bunfs. PGlite
 * would otherwise look for them next to its own module (`new URL(...,
 * import.meta.url)`), which does not exist inside the binary.
 */
import initdbWasmPath from "../../node_modules/@electric-sql/pglite/dist/initdb.wasm" with { type: "file" };
import pgliteDataPath from "../../node_modules/@electric-sql/pglite/dist/pglite.data" with { type: "file" };
import pgliteWasmPath from "../../node_modules/@electric-sql/pglite/dist/pglite.wasm" with { type: "file" };

export interface PgliteAssets {
  readonly pgliteWasmModule: WebAssembly.Module;
  readonly initdbWasmModule: WebAssembly.Module;
  /** The bundle PGlite unpacks into its in-memory /pglite (share/, lib/). */
  readonly fsBundle: Blob;
}

let assets: Promise<PgliteAssets> | undefined;

/** Compiles the two wasm modules once per process (≈9 MB; later opens reuse them). */
export function loadPgliteAssets(): Promise<PgliteAssets> {
  assets ??= (async () => {
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
      compile(pgliteWasmPath),
      compile(initdbWasmPath),
    ]);
    return { pgliteWasmModule, initdbWasmModule, fsBundle: Bun.file(pgliteDataPath) };
  })();
  assets.catch(() => {
    assets = undefined; // let a later call retry
  });
  return assets;
}

async function compile(filePath: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await Bun.file(filePath).arrayBuffer());
}
