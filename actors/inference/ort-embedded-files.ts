/**
 * onnxruntime-node's native files as static `with { type: "file" }` imports,
 * which is what makes `bun build --compile` embed them. Only required from
 * inside the compiled binary (ort-native.ts): under `bun run`, Bun refuses
 * to import a .node file even as a plain file.
 */
import bindingFile from "../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node" with { type: "file" };
import libraryFile from "../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" with { type: "file" };

export const embeddedOrtFiles = { bindingFile, libraryFile };
