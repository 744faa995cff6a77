import type { Clock } from '../time.js';
import { systemClock } from '../time.js';
import type { Store } from './store.js';

export interface MemoryStoreOptions {
  /** Most keys kept; the least recently written go first. Default 100 000. */
  readonly maxEntries?: number;
  readonly clock?: Clock;
}

interface Entry {
  value: string | string[];
  expiresAt: number;
}

/**
 * The zero-configuration store for one process: a Map with per-key expiry and a bound on entries,
 * so memory stays flat however long the process runs. Not shared between processes: use
 * `@mailover/redis` when more than one instance sends or receives webhooks.
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 100_000;
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const write = (key: string, entry: Entry): void => {
    entries.delete(key); // re-insert at the end: Map order is write order
    entries.set(key, entry);
    if (++writesSinceSweep >= 1_000) sweep();
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };

  const sweep = (): void => {
    writesSinceSweep = 0;
    const now = clock.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return {
    get size() {
      return entries.size;
    },
    async get(key) {
      const value = live(key)?.value;
      return typeof value === 'string' ? value : undefined;
    },
    async set(key, value, ttlMs) {
      write(key, { value, expiresAt: clock.now() + ttlMs });
    },
    async claim(key, value, ttlMs) {
      if (live(key)) return false;
      write(key, { value, expiresAt: clock.now() + ttlMs });
      return true;
    },
    async append(key, value, ttlMs) {
      const current = live(key)?.value;
      const list = Array.isArray(current) ? current : [];
      list.push(value);
      write(key, { value: list, expiresAt: clock.now() + ttlMs });
      return list.length;
    },
    async list(key) {
      const value = live(key)?.value;
      return Array.isArray(value) ? [...value] : [];
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
