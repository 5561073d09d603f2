// Vite's `?worker` imports (see monaco-workers.ts): a constructor of the bundled worker.
declare module '*?worker' {
  const WorkerConstructor: new () => Worker;
  export default WorkerConstructor;
}
