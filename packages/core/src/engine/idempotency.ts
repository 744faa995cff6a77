/**
 * Idempotent send(): one provider call per idempotency key within the retention window, across
 * every instance that shares the Store. See docs/idempotency.md.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SendError, ValidationError } from '../errors.js';
import type { MessageInput, NormalizedMessage } from '../message/types.js';
import { storeKeys } from '../queue/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import type { SendResult } from './types.js';

/** A digest of each part of a message that a reused key must match, by field name. */
export type Fingerprint = Readonly<Record<string, string>>;

type Entry =
  | { readonly state: 'sending'; readonly fingerprint: Fingerprint; readonly owner: string }
  | { readonly state: 'sent'; readonly fingerprint: Fingerprint; readonly result: SendResult };

const digest = (value: unknown) =>
  createHash('sha256')
    .update(
      JSON.stringify(value, (_key, part) =>
        part instanceof Uint8Array ? Buffer.from(part).toString('base64') : part,
      ),
    )
    .digest('base64url')
    .slice(0, 22);

/** What a second send with the same key must match: everything the recipient would see. */
export function fingerprintOf(message: NormalizedMessage): Fingerprint {
  return {
    from: digest(message.from),
    to: digest(message.to),
    cc: digest(message.cc),
    bcc: digest(message.bcc),
    replyTo: digest(message.replyTo),
    subject: digest(message.subject),
    text: digest(message.text ?? null),
    html: digest(message.html ?? null),
    attachments: digest(message.attachments),
    headers: digest(message.headers),
    tags: digest(message.tags),
    metadata: digest(message.metadata),
  };
}

function differences(first: Fingerprint, second: Fingerprint): string[] {
  const fields = new Set([...Object.keys(first), ...Object.keys(second)]);
  return [...fields].filter((field) => first[field] !== second[field]);
}

/** How long a claim outlives an owner that crashed mid-send, ms: 2 minutes. */
export const IDEMPOTENCY_LEASE_MS = 120_000;

export interface IdempotencyOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly retentionMs: number;
  /** How long a claim outlives a crashed owner; renewed every third of it while the send runs. */
  readonly leaseMs: number;
}

/** Runs sends that carry an idempotency key so that one key makes one provider call. */
export class Idempotency {
  /** Sends of this process in flight, by message id: later ones here wait without polling. */
  private readonly inFlight = new Map<string, { fingerprint: Fingerprint; done: Promise<SendResult> }>();
  private readonly owner = randomUUID();

  constructor(private readonly options: IdempotencyOptions) {}

  /**
   * `send` once per key: the first caller (here or on another instance) sends; the others resolve
   * to its result with `replayed: true`, waiting while it is in flight. A failure releases the key.
   */
  async run(
    message: NormalizedMessage,
    deadlineAt: number,
    send: () => Promise<SendResult>,
  ): Promise<SendResult> {
    const fingerprint = fingerprintOf(message);
    const { store, clock } = this.options;
    const key = storeKeys.idempotency(message.id);
    let pollMs = 25;
    for (;;) {
      const local = this.inFlight.get(message.id);
      if (local) {
        this.check(message, local.fingerprint, fingerprint);
        const result = await local.done.then(
          (value) => value,
          () => undefined, // it failed: the key is free again, try to claim it
        );
        if (result) return { ...result, replayed: true };
        continue;
      }
      const claim: Entry = { state: 'sending', fingerprint, owner: this.owner };
      if (await store.claim(key, JSON.stringify(claim), this.options.leaseMs)) {
        const done = this.own(message, key, JSON.stringify(claim), send);
        this.inFlight.set(message.id, { fingerprint, done });
        try {
          return await done;
        } finally {
          this.inFlight.delete(message.id);
        }
      }
      const raw = await store.get(key);
      if (raw === undefined) continue; // released or expired between the claim and the read
      const entry = JSON.parse(raw) as Entry;
      this.check(message, entry.fingerprint, fingerprint);
      if (entry.state === 'sent') return { ...entry.result, replayed: true };
      // In flight on another instance: wait for its answer (or for its lease to run out).
      if (clock.now() + pollMs > deadlineAt) {
        throw new SendError(
          `another send with idempotency key '${message.idempotencyKey}' is still in flight and the deadline passed`,
          'deadline_exceeded',
          [],
          message.id,
          message.messageId,
          true,
        );
      }
      await clock.sleep(pollMs);
      pollMs = Math.min(pollMs * 2, 1_000);
    }
  }

  /**
   * Refuse `message` when its key was already used for a different one: by a send (its entry) or
   * by a queued job (`queued`, the fingerprint the job was stored with).
   */
  async verify(message: NormalizedMessage, queued?: Fingerprint): Promise<void> {
    const fingerprint = fingerprintOf(message);
    if (queued) this.check(message, queued, fingerprint);
    const raw = await this.options.store.get(storeKeys.idempotency(message.id));
    if (raw !== undefined) this.check(message, (JSON.parse(raw) as Entry).fingerprint, fingerprint);
  }

  private check(message: NormalizedMessage, first: Fingerprint, second: Fingerprint): void {
    const changed = differences(first, second);
    if (changed.length === 0) return;
    throw new ValidationError([
      {
        path: 'idempotencyKey',
        message: `the key '${message.idempotencyKey}' was already used for a different message (${changed.join(', ')} differ); use a new key for a new message, or send the same one again`,
      },
    ]);
  }

  private async own(
    message: NormalizedMessage,
    key: string,
    claim: string,
    send: () => Promise<SendResult>,
  ): Promise<SendResult> {
    const { store, clock, retentionMs, leaseMs } = this.options;
    const began = storeKeys.began(message.id);
    // Left behind by an owner that crashed mid-send, or by a send that may have delivered: one
    // round trip sets the marker and says whether it was there already.
    const earlier = !(await store.claim(began, '1', retentionMs));
    const renewal = new AbortController();
    const renew = async () => {
      for (;;) {
        await clock.sleep(leaseMs / 3, renewal.signal);
        await store.set(key, claim, leaseMs);
      }
    };
    renew().catch(() => {}); // ends when aborted; a failed renewal only shortens the lease
    let result: SendResult;
    try {
      const sent = await send();
      result = earlier && !sent.possibleDuplicate ? { ...sent, possibleDuplicate: true } : sent;
    } catch (error) {
      renewal.abort();
      // Keep the marker when the provider may have taken it: the next send flags possibleDuplicate.
      const unsure = earlier || (SendError.isInstance(error) && error.possiblyDelivered);
      if (!unsure) await store.delete(began).catch(() => {});
      await store.delete(key).catch(() => {});
      throw error;
    }
    renewal.abort();
    try {
      const entry: Entry = { state: 'sent', fingerprint: (JSON.parse(claim) as Entry).fingerprint, result };
      // In this order: were the marker deleted first and the entry then lost, a later send would go
      // out again unflagged.
      await store.set(key, JSON.stringify(entry), retentionMs);
      await store.delete(began);
    } catch (error) {
      // The provider accepted: a store outage must not turn that into a failure the caller retries.
      // The claim runs out with its lease and the marker stays, so a later send is flagged.
      process.emitWarning(
        `mailover: sent ${message.id} but could not record its idempotency key: ${String(error)}`,
      );
    }
    return result;
  }
}

/** When a send with these options must stop, as a timestamp (Infinity when never). */
export function deadlineOf(options: { readonly deadline?: number | Date }, now: number): number {
  if (options.deadline === undefined) return Number.POSITIVE_INFINITY;
  return options.deadline instanceof Date ? options.deadline.getTime() : now + options.deadline;
}

/** The message with `key` as its idempotencyKey (enqueue's option); a different key in both is refused. */
export function withIdempotencyKey(input: MessageInput, key: string | undefined): MessageInput {
  if (key === undefined) return input;
  const own = (input as { idempotencyKey?: unknown }).idempotencyKey;
  if (own !== undefined && own !== null && own !== key) {
    throw new ValidationError([
      {
        path: 'idempotencyKey',
        message: `the message's idempotencyKey '${String(own)}' differs from the option's '${key}'; give one of them`,
      },
    ]);
  }
  return { ...input, idempotencyKey: key };
}
