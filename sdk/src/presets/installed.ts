// Which client packages the application has installed, and synchronous loading of the instrumentations that
// need them. `presetInstrumentations` is synchronous (NodeSDK takes a plain array), hence `require` rather than
// `import()`; every instrumentation used here ships a CommonJS build.
import { createRequire } from 'node:module';
import path from 'node:path';

// Resolve from the SDK's own location first (a hoisted install), then from the application's working directory
// (the SDK linked or installed in a different tree than the application's clients).
const requireFromSdk = createRequire(import.meta.url);
const requireFromApp = createRequire(path.join(process.cwd(), 'package.json'));

/** True when `specifier` resolves for the application; never throws. */
export function isInstalled(specifier: string): boolean {
  for (const req of [requireFromSdk, requireFromApp]) {
    try {
      req.resolve(specifier);
      return true;
    } catch {
      // not resolvable from here; try the next location
    }
  }
  return false;
}

/** `require` of one of the SDK's own dependencies (the instrumentation packages). */
export function requireDependency<T>(specifier: string): T {
  return requireFromSdk(specifier) as T;
}
