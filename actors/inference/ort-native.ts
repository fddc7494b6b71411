/**
 * Loads onnxruntime-node's native binding so that it works both from the
 * repository and from inside the single binary.
 *
 * The binding (`onnxruntime_binding.node`) finds `libonnxruntime.so.1`
 * through its RPATH, `$ORIGIN`: the two files must sit in one real folder.
 * `bun build --compile` embeds each static `with { type: "file" }` import
 * under /$bunfs, and a plain `require` of an embedded .node extracts it
 * alone to a temporary file, where the library is not found. So inside the
 * binary both files are extracted into one private cache folder named by
 * their version and content hash (written to a temporary folder, then
 * renamed into place: atomic, and a concurrent start simply uses the
 * winner's copy), and the binding is loaded from there. From the repository
 * the files already sit together in node_modules and are loaded in place.
 *
 * onnxruntime-node's own JavaScript loader is never imported: it resolves
 * the binding by a computed path the bundler cannot follow.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

export const ORT_VERSION = "1.30.0";
const BINDING_NAME = "onnxruntime_binding.node";
const LIBRARY_NAME = "libonnxruntime.so.1";

/** The part of the binding's API Genesis uses (see onnxruntime-node dist/backend.js). */
export interface OrtBinding {
  readonly InferenceSession: new () => OrtBindingSession;
  listSupportedBackends(): { name: string; bundled: boolean }[];
  initOrtOnce(logLevel: number, tensorConstructor: unknown, isMainThread: boolean): void;
}

export interface OrtBindingSession {
  loadModel(pathOrBuffer: string | ArrayBufferLike, byteOffsetOrOptions?: unknown, byteLength?: number, options?: unknown): void;
  run(feeds: unknown, fetches: unknown, options: unknown): Record<string, unknown>;
  dispose(): void;
  endProfiling(): void;
  readonly inputMetadata: OrtValueMetadata[];
  readonly outputMetadata: OrtValueMetadata[];
}

export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type: number;
  readonly shape: number[];
  readonly symbolicDimensions: string[];
}

export interface LoadedBinding {
  readonly binding: OrtBinding;
  /** The folder the binding was loaded from (the cache folder inside the binary). */
  readonly folder: string;
}

let loaded: LoadedBinding | undefined;

/** Loads the binding once per process. Throws an Error naming the folder when it cannot. */
export function loadOrtBinding(): LoadedBinding {
  if (loaded) return loaded;
  const folder = isEmbedded(import.meta.path) ? extractToCache() : DEV_FOLDER;
  const bindingPath = path.join(folder, BINDING_NAME);
  try {
    const binding = createRequire(import.meta.url)(bindingPath) as OrtBinding;
    loaded = { binding, folder };
    return loaded;
  } catch (error) {
    throw new Error(`onnxruntime: cannot load the native binding: path=${bindingPath}: ${(error as Error).message}`);
  }
}

/** In the repository: the folder onnxruntime-node installed its native files into. */
const DEV_FOLDER = path.resolve(import.meta.dir, "../../node_modules/onnxruntime-node/bin/napi-v6", process.platform, process.arch);

function isEmbedded(file: string): boolean {
  return file.startsWith("/$bunfs/") || file.startsWith("B:/~BUN/");
}

/** Where the extracted runtime lives: $XDG_CACHE_HOME/genesis, else ~/.cache/genesis, else the temp folder. */
export function ortCacheRoot(env: Record<string, string | undefined> = process.env): string {
  if (env.GENESIS_ORT_CACHE) return env.GENESIS_ORT_CACHE;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, "genesis");
  const home = env.HOME ?? homedir();
  return home ? path.join(home, ".cache", "genesis") : path.join(tmpdir(), "genesis-cache");
}

function extractToCache(): string {
  // Required, not imported: the static file imports live there (see ort-embedded-files.ts).
  const { bindingFile, libraryFile } = (require("./ort-embedded-files.ts") as typeof import("./ort-embedded-files.ts")).embeddedOrtFiles;
  const files = [
    { name: LIBRARY_NAME, bytes: readFileSync(libraryFile) },
    { name: BINDING_NAME, bytes: readFileSync(bindingFile) },
  ];
  return extractRuntime(files, [ortCacheRoot(), path.join(tmpdir(), `genesis-cache-${process.getuid?.() ?? "user"}`)]);
}

export interface RuntimeFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Makes `files` exist, byte for byte, in one folder `ort-VERSION-HASH` under
 * the first root that allows it, and returns that folder. A folder that
 * already holds them (same content hash) is reused; a damaged one is
 * replaced. Written under a temporary name, then renamed: another process
 * never sees half a runtime, and one that wins the race is simply used.
 */
export function extractRuntime(files: readonly RuntimeFile[], roots: readonly string[]): string {
  const hashes = files.map((f) => Bun.hash(f.bytes));
  const id = hashes.reduce((a, h) => Bun.hash(`${a}:${h}`), 0n as number | bigint).toString(36);
  const errors: string[] = [];
  for (const root of roots) {
    const folder = path.join(root, `ort-${ORT_VERSION}-${id}`);
    try {
      if (holds(folder, files, hashes)) return folder;
      mkdirSync(root, { recursive: true, mode: 0o700 });
      const staging = `${folder}.tmp-${process.pid}-${Date.now()}`;
      mkdirSync(staging, { mode: 0o700 });
      for (const file of files) writeFileSync(path.join(staging, file.name), file.bytes, { mode: 0o755 });
      try {
        if (existsSync(folder)) rmSync(folder, { recursive: true, force: true }); // damaged: holds() said no
        renameSync(staging, folder);
      } catch {
        rmSync(staging, { recursive: true, force: true });
      }
      if (holds(folder, files, hashes)) return folder;
      errors.push(`${folder}: incomplete after extraction`);
    } catch (error) {
      errors.push(`${root}: ${(error as Error).message}`);
    }
  }
  throw new Error(`onnxruntime: cannot extract the embedded runtime: ${errors.join("; ")}`);
}

function holds(folder: string, files: readonly RuntimeFile[], hashes: readonly (number | bigint)[]): boolean {
  try {
    return files.every((file, i) => {
      const full = path.join(folder, file.name);
      return statSync(full).size === file.bytes.byteLength && Bun.hash(readFileSync(full)) === hashes[i];
    });
  } catch {
    return false;
  }
}
