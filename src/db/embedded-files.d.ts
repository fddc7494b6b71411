// Bun's import attributes: `with { type: "text" }` yields the file's text,
// `with { type: "file" }` its path (inside the compiled binary, a /$bunfs path).
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.wasm" {
  const path: string;
  export default path;
}
declare module "*.data" {
  const path: string;
  export default path;
}
