// `import path from "x" with { type: "file" }` yields the file's path (Bun): onnxruntime-node's
// native binding, its shared library, and the shipped model.
declare module "*.node" {
  const path: string;
  export default path;
}
declare module "*.so.1" {
  const path: string;
  export default path;
}
declare module "*.onnx" {
  const path: string;
  export default path;
}
declare module "*/models/default/model.json" {
  const path: string;
  export default path;
}
