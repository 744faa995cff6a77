/**
 * Every Store key that idempotent sends and the queue write, in one place. Keys are namespaced by
 * the store itself (a Redis prefix, a PostgreSQL schema); values are JSON unless said otherwise.
 *
 * - `idem:<id>`: the idempotency entry of message `<id>` (the id derived from its idempotencyKey).
 *   `{ state: 'sending', fingerprint, owner }` while a send holds the claim (TTL: the lease, renewed
 *   while it runs), then `{ state: 'sent', fingerprint, result }` (TTL: the retention window).
 * - `idem-began:<id>`: `'1'` from the moment a provider may have been called for `<id>` until the
 *   send ended in a failure known not to have delivered. A send that finds it left behind (its
 *   owner crashed, or failed ambiguously) reports `possibleDuplicate`. TTL: the retention window.
 * - `job:<id>`: a queued job's state for `mailer.status(id)` and the worker (see engine/queue-runner.ts).
 *   TTL: the retention window.
 * - `job-start:<id>`: `'started'` or `'cancelled'`, claimed by the first of the worker (about to
 *   send) and `mailer.cancel(id)`: whichever wins decides. TTL: the retention window.
 */
export const storeKeys = {
  idempotency: (id: string) => `idem:${id}`,
  began: (id: string) => `idem-began:${id}`,
  job: (id: string) => `job:${id}`,
  jobStart: (id: string) => `job-start:${id}`,
} as const;
