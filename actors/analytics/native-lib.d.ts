// `import path from "x.so" with { type: "file" }` yields the file's path (Bun).
declare module "*.so" {
  const path: string;
  export default path;
}
