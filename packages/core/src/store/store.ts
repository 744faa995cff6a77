/**
 * Everything the engine keeps between a send and its webhooks lives behind this interface:
 * message records (with the content needed to re-send), the provider-message-id index, delivery
 * history, deferral evidence, at-most-once claims, webhook dedupe and replay tokens, domain memory.
 *
 * It is a small key-value contract with TTLs, so that a shared implementation (`@mailover/redis`)
 * can make each operation atomic: `claim` is the only read-decide-write the engine needs.
 * Keys are namespaced by the engine; values are strings (JSON).
 */
export interface Store {
  /** The value of a key, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Set a value that expires after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Set only when the key is absent. Resolves true when this call set it (the claim is won). */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Append to a list, refreshing its expiry; resolves to the list's new length. */
  append(key: string, value: string, ttlMs: number): Promise<number>;
  /** The whole list, oldest first (empty when absent). */
  list(key: string): Promise<string[]>;
  /**
   * Optional: `count` items of a list from position `start` (0 is the oldest). Stores that can read
   * part of a list implement it (Redis: LRANGE); without it the whole list is read and sliced.
   */
  listRange?(key: string, start: number, count: number): Promise<string[]>;
  /** Remove a key (a value or a list); absent keys are fine. */
  delete(key: string): Promise<void>;
  /**
   * Optional: a token bucket shared by every instance. Reserve one token from bucket `key`
   * (`perSecond` refill, `burst` capacity) and resolve to how many ms to wait before using it.
   * Stores shared between processes implement it atomically; without it each process paces itself.
   */
  reserveToken?(key: string, perSecond: number, burst: number): Promise<number>;
  /** Release resources (connections, timers). */
  close?(): Promise<void>;
}
