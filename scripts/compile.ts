/**
 * `npm run compile`: builds `dist/genesis`, one executable that embeds the
 * Bun runtime, the native analytics library, every web asset, onnxruntime's
 * native files (extracted to a cache folder at first use: see
 * actors/inference/ort-native.ts) and the default DeepLOB model. The model's
 * worker (actors/inference/model-worker.ts) is a second entry point: Bun
 * embeds it and maps `new Worker(new URL("./model-worker.ts", ...))` to it.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const nativeLib = path.join(root, "native/build/libgenesis.so");
if (!existsSync(nativeLib)) {
  console.error(`compile: ${path.relative(root, nativeLib)} is missing; run 'npm run build:native' (needs g++ and cmake) first`);
  process.exit(1);
}
const defaultModel = path.join(root, "models/default/model.onnx");
if (!existsSync(defaultModel)) {
  console.error(`compile: ${path.relative(root, defaultModel)} is missing; train it first (see models/README.md)`);
  process.exit(1);
}
const outfile = path.resolve(root, Bun.argv[2] ?? "dist/genesis");
const result = Bun.spawnSync([process.execPath, "build", "--compile", "--minify-syntax", "--minify-whitespace", "--sourcemap", path.join(root, "src/main.ts"), path.join(root, "actors/inference/model-worker.ts"), "--outfile", outfile], {
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
});
if (result.exitCode !== 0) process.exit(result.exitCode ?? 1);
console.log(`compile: wrote ${path.relative(process.cwd(), outfile)}`);
