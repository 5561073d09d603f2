// Raw text imports (webpack: asset/source; Vite/Vitest: ?raw) — used to inject React Flow's stylesheet.
declare module '*.css?raw' {
  const css: string;
  export default css;
}
