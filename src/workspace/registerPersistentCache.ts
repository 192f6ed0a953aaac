// When the persistent analysis cache (persistentCache.ts) is written: after builds settle, and once
// more when the window closes.
import type { PersistentAnalysisCache } from './persistentCache';

/** How long after a build the file is written: a burst of builds (a checkout, typing) costs one write. */
const SAVE_DELAY_MS = 2000;

/** Write the cache after builds settle, and once more when the window closes. */
export function registerPersistentCache(store: PersistentAnalysisCache, onDidBuild: (listener: () => void) => { dispose(): void }, buildsSettled: () => Promise<void>): { dispose(): void } {
  store.writeBehind(buildsSettled);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const subscription = onDidBuild(() => {
    clearTimeout(timer);
    timer = setTimeout(() => void store.save(), SAVE_DELAY_MS);
  });
  return {
    dispose: () => {
      subscription.dispose();
      store.writeBehind(() => Promise.resolve()); // the window closes: its last write waits for nothing
      if (timer) {
        clearTimeout(timer);
        void store.save();
      }
    },
  };
}

