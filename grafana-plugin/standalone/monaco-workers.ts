// Web workers for Monaco, the code editor of the replay panel. Inside Grafana, Grafana's own MonacoEnvironment
// provides them; here nobody does, and without workers Monaco runs its language services in the page, where the
// JSON one throws ("Unexpected usage"). Vite bundles each worker into its own file (`?worker`); monaco-editor is
// declared at the version @grafana/ui pins, so it is the very copy its editor imports.
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker?worker';

interface MonacoEnvironment {
  getWorker(workerId: string, label: string): Worker;
}

(self as unknown as { MonacoEnvironment: MonacoEnvironment }).MonacoEnvironment = {
  getWorker: (_workerId, label) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};
