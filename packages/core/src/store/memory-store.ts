import { ConfigurationError } from '../adapter-kit.js';
import type { Clock } from '../time.js';
import { systemClock } from '../time.js';
import type { Store } from './store.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys kept (records, history, lists); the least recently written go first. Default 100 000. */
  readonly maxEntries?: number;
  /**
   * Most claimed keys kept (webhook replay tokens, event dedupe, at-most-once claims), apart from
   * the others so that ordinary traffic cannot evict them. Default 100 000.
   */
  readonly maxClaims?: number;
  /**
   * Most suppression-list keys kept (docs/suppression.md), apart from the others so that ordinary
   * traffic never evicts a suppressed address. Default 1 000 000.
   */
  readonly maxSuppressions?: number;
  /** Time source for expiry. Default: the system clock. */
  readonly clock?: Clock;
}

interface Entry {
  value: string | string[] | object;
  expiresAt: number;
}

/**
 * The built-in store's way to keep a value as the object it is (internal to the engine; not part
 * of the `Store` contract): the message record, which the engine alone reads back, is kept without
 * its JSON. Serialising it was the largest single cost of recording a send (≈ 5.7 µs of ≈ 10 µs
 * between HTTP calls). Other stores get the JSON as before.
 */
export const objectValues: unique symbol = Symbol('mailover.memoryStore.objectValues');

export interface ObjectValues {
  set(key: string, value: object, ttlMs: number): void;
  /** The object kept under `key`; undefined when absent, expired, or not kept as an object. */
  get(key: string): object | undefined;
}

/**
 * The Map's keys in insertion order, resuming where the last call stopped; undefined when none is
 * left. A Map iterator stays valid while the Map changes: deleted keys are skipped and keys added
 * later come at the end. Once it has reported the end, a new one starts from the front.
 */
function cursor<Key>(map: Map<Key, unknown>): () => Key | undefined {
  let iterator = map.keys();
  return () => {
    let next = iterator.next();
    if (next.done) {
      iterator = map.keys();
      next = iterator.next();
    }
    return next.done ? undefined : next.value;
  };
}

/** A bounded Map with per-key expiry: what the memory store keeps one kind of key in. */
function region(maxEntries: number, clock: Clock) {
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;
  // No entry expires before this (a lower bound): while the clock is short of it a sweep would find
  // nothing, so it is skipped, and a store of 3-day records stops scanning 100 000 keys every
  // 1 000 writes.
  let earliestExpiry = Number.POSITIVE_INFINITY;
  // A fresh `entries.keys()` per eviction walks every slot earlier evictions left empty at the
  // front of the Map: 35 µs a write once the store is full. One long-lived cursor walks them once.
  const oldest = cursor(entries);

  const sweep = (): void => {
    writesSinceSweep = 0;
    const now = clock.now();
    if (earliestExpiry > now) return;
    earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= now) entries.delete(key);
      else if (entry.expiresAt < earliestExpiry) earliestExpiry = entry.expiresAt;
    }
  };

  return {
    entries,
    live(key: string): Entry | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= clock.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry;
    },
    write(key: string, entry: Entry): void {
      entries.delete(key); // re-insert at the end: Map order is write order
      entries.set(key, entry);
      if (entry.expiresAt < earliestExpiry) earliestExpiry = entry.expiresAt;
      if (++writesSinceSweep >= 1_000) sweep();
      while (entries.size > maxEntries) entries.delete(oldest()!);
    },
  };
}

/**
 * The zero-configuration store for one process: Maps with per-key expiry and a bound on entries,
 * so memory stays flat however long the process runs. Not shared between processes: use
 * `@mailover/redis` when more than one instance sends or receives webhooks.
 *
 * Keys first written by `claim` (webhook replay tokens, event dedupe, at-most-once claims) live in
 * a region of their own, with its own bound: a flood of records and history written by ordinary
 * traffic cannot evict them and let a replayed webhook through. docs/security.md.
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store & {
  /** Keys held now, expired ones not yet swept included. */
  readonly size: number;
  readonly [objectValues]: ObjectValues;
} {
  const maxEntries = options.maxEntries ?? 100_000;
  const maxClaims = options.maxClaims ?? 100_000;
  requireCount('memoryStore', 'maxEntries', maxEntries);
  const maxSuppressions = options.maxSuppressions ?? 1_000_000;
  requireCount('memoryStore', 'maxClaims', maxClaims);
  requireCount('memoryStore', 'maxSuppressions', maxSuppressions);
  const clock = options.clock ?? systemClock;
  const values = region(maxEntries, clock);
  const claims = region(maxClaims, clock);
  const suppressions = region(maxSuppressions, clock);
  const isSuppression = (key: string) => key.startsWith('suppress');
  // A suppression key is written to its own region or, once claimed, to the claims; never to
  // `values`, the largest Map, whose lookup the suppression check before every send so skips.
  const live = (key: string): Entry | undefined =>
    isSuppression(key)
      ? (claims.live(key) ?? suppressions.live(key))
      : (values.live(key) ?? claims.live(key));
  /** A key claimed once stays among the claims, whatever writes it later. */
  const write = (key: string, entry: Entry): void =>
    claims.entries.has(key)
      ? claims.write(key, entry)
      : isSuppression(key)
        ? suppressions.write(key, entry)
        : values.write(key, entry);

  return {
    get size() {
      return values.entries.size + claims.entries.size + suppressions.entries.size;
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
      values.entries.delete(key);
      claims.write(key, { value, expiresAt: clock.now() + ttlMs });
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
    async listRange(key, start, count) {
      const value = live(key)?.value;
      return Array.isArray(value) ? value.slice(start, start + count) : [];
    },
    async delete(key) {
      values.entries.delete(key);
      claims.entries.delete(key);
      suppressions.entries.delete(key);
    },
    [objectValues]: {
      set(key, value, ttlMs) {
        write(key, { value, expiresAt: clock.now() + ttlMs });
      },
      get(key) {
        const value = live(key)?.value;
        return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
      },
    },
  };
}

function requireCount(owner: string, option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `${owner}: ${option} must be a whole number of at least 1 (got ${String(value)}); leave it out for the default`,
    );
  }
}
