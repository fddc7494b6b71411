// `import path from "x" with { type: "file" }` yields the file's path (Bun), not a module.
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "*.min.js" {
  const path: string;
  export default path;
}
declare module "*/assets/app.js" {
  const path: string;
  export default path;
}
declare module "*/assets/app-health.js" {
  const path: string;
  export default path;
}
declare module "*/assets/app-history.js" {
  const path: string;
  export default path;
}
declare module "*/assets/app-alerts.js" {
  const path: string;
  export default path;
}
declare module "*/assets/app-prediction.js" {
  const path: string;
  export default path;
}
