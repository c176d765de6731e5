// An in-memory stand-in for the app's IndexedDB key-value store (src/core/storage.ts) for unit tests:
// values are structured-cloned on the way in, as IndexedDB does.
import type { KeyValue } from '../../src/core/storage.ts';

export function memoryKv(
  initial: Iterable<[string, unknown]> = [],
): KeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>(initial);
  return {
    data,
    get: async (k) => data.get(k),
    put: async (k, v) => {
      data.set(k, structuredClone(v));
    },
    delete: async (k) => {
      data.delete(k);
    },
  };
}
