/**
 * The suppression list over the Store: one key per (scope, address) holding the entry, and one
 * append-only index list that paging walks. An entry records its own position in the index, so an
 * index item whose entry was removed, expired or re-added elsewhere is skipped: the same address is
 * never listed twice, and no read-modify-write of the index is needed across instances.
 * docs/suppression.md, "In the Store".
 */
import { MailoverError } from '../errors.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { suppressionAddress, suppressionScope } from './address.js';
import {
  EVERY_STREAM,
  type ListSuppressionsOptions,
  SUPPRESSION_REASONS,
  type Suppression,
  type SuppressionInput,
  type SuppressionPage,
  type SuppressionReason,
} from './types.js';

/** How long an entry without expiry is kept: a Store key always has a TTL (about 100 years). */
export const FOREVER_MS = 100 * 365 * 24 * 3600 * 1000;

/** What the Store keeps under a suppression key: the entry and its position in the index. */
interface StoredSuppression extends Suppression {
  readonly at: number;
}

/** Options of {@link SuppressionList}. */
export interface SuppressionListOptions {
  /** How long a learned soft bounce suppresses, ms. Default 3 days. */
  readonly softBounceMs?: number;
}

export class SuppressionList {
  readonly softBounceMs: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: SuppressionListOptions = {},
  ) {
    this.softBounceMs = options.softBounceMs ?? 3 * 24 * 3600 * 1000;
  }

  /** The entry for `address` in `scope`, or undefined. `address` must already be normalized. */
  async entry(scope: string, address: string): Promise<Suppression | undefined> {
    const raw = await this.store.get(storeKeys.suppression(scope, address));
    if (raw === undefined) return undefined;
    const stored = JSON.parse(raw) as StoredSuppression;
    if (stored.expiresAt !== undefined && stored.expiresAt <= this.clock.now()) return undefined;
    return withoutPosition(stored);
  }

  /**
   * The entry that stops mail to `address` in `stream`: the everything-scope first, then the
   * stream's own. Without a stream only the everything-scope applies.
   */
  async has(address: string, stream?: string): Promise<Suppression | undefined> {
    const normalized = suppressionAddress(address);
    const scope = stream === undefined ? undefined : suppressionScope(stream, 'stream');
    return (
      (await this.entry(EVERY_STREAM, normalized)) ??
      (scope && scope !== EVERY_STREAM ? await this.entry(scope, normalized) : undefined)
    );
  }

  /**
   * Add or replace an entry; resolves to what the list holds afterwards. With `learned`, an
   * existing lasting entry is kept (a soft bounce never shortens a hard bounce, and the first
   * reason and time are what the list reports).
   */
  async add(input: SuppressionInput, learned = false): Promise<Suppression> {
    const entry = this.entryOf(input);
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) return entry; // lapsed already
    const key = storeKeys.suppression(entry.scope, entry.address);
    const raw = await this.store.get(key);
    const existing = raw === undefined ? undefined : (JSON.parse(raw) as StoredSuppression);
    const live = existing && (existing.expiresAt === undefined || existing.expiresAt > this.clock.now());
    if (learned && live && (existing.expiresAt === undefined || entry.expiresAt !== undefined)) {
      return withoutPosition(existing);
    }
    const at = live
      ? existing.at
      : (await this.store.append(
          storeKeys.suppressionIndex(),
          `${entry.scope}\t${entry.address}`,
          FOREVER_MS,
        )) - 1;
    const ttlMs = entry.expiresAt === undefined ? FOREVER_MS : entry.expiresAt - this.clock.now();
    await this.store.set(key, JSON.stringify({ ...entry, at }), ttlMs);
    return entry;
  }

  /** Remove `address` from `scope` (default `*`); resolves true when there was an entry. */
  async remove(address: string, scope?: string): Promise<boolean> {
    const key = storeKeys.suppression(suppressionScope(scope), suppressionAddress(address));
    const found = (await this.store.get(key)) !== undefined;
    if (found) await this.store.delete(key);
    return found;
  }

  /** One page of entries, oldest first. */
  async list(options: ListSuppressionsOptions = {}): Promise<SuppressionPage> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
      throw new MailoverError(
        `suppressions.list: limit must be a whole number from 1 to 1000 (got ${String(limit)})`,
      );
    }
    let position = options.cursor === undefined ? 0 : cursorPosition(options.cursor);
    const scope = options.scope === undefined ? undefined : suppressionScope(options.scope);
    const entries: Suppression[] = [];
    const index = storeKeys.suppressionIndex();
    while (entries.length < limit) {
      const items = await this.range(index, position, limit);
      if (items.length === 0) return { entries };
      for (const item of items) {
        const at = position++;
        const tab = item.indexOf('\t');
        const itemScope = item.slice(0, tab);
        if (scope !== undefined && itemScope !== scope) continue;
        const raw = await this.store.get(storeKeys.suppression(itemScope, item.slice(tab + 1)));
        if (raw === undefined) continue;
        const stored = JSON.parse(raw) as StoredSuppression;
        if (stored.at !== at) continue; // removed and added again later: listed there
        if (stored.expiresAt !== undefined && stored.expiresAt <= this.clock.now()) continue;
        entries.push(withoutPosition(stored));
        if (entries.length === limit) break;
      }
    }
    const more = (await this.range(index, position, 1)).length > 0;
    return more ? { entries, next: String(position) } : { entries };
  }

  /** Every entry, page by page. */
  async *all(scope?: string): AsyncGenerator<Suppression> {
    let cursor: string | undefined;
    do {
      const page = await this.list({
        limit: 1_000,
        ...(cursor ? { cursor } : {}),
        ...(scope ? { scope } : {}),
      });
      yield* page.entries;
      cursor = page.next;
    } while (cursor);
  }

  /** A checked, normalized entry from what a user or a provider gave. */
  entryOf(input: SuppressionInput): Suppression {
    const reason = input.reason ?? 'manual';
    if (!SUPPRESSION_REASONS.includes(reason as SuppressionReason)) {
      throw new MailoverError(
        `suppressions: reason ${JSON.stringify(reason)} is not one of ${SUPPRESSION_REASONS.join(', ')}`,
      );
    }
    const now = this.clock.now();
    const since = input.since ?? now;
    if (!Number.isFinite(since)) throw new MailoverError('suppressions: since must be a time (epoch ms)');
    let expiresAt: number | undefined;
    if (reason === 'soft_bounce') {
      expiresAt = input.expiresAt ?? since + this.softBounceMs;
      if (!Number.isFinite(expiresAt))
        throw new MailoverError('suppressions: expiresAt must be a time (epoch ms)');
    }
    return {
      address: suppressionAddress(input.address),
      reason,
      scope: suppressionScope(input.scope),
      since,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(input.provider ? { provider: input.provider } : {}),
      ...(input.event ? { event: input.event } : {}),
    };
  }

  private range(key: string, start: number, count: number): Promise<string[]> {
    if (this.store.listRange) return this.store.listRange(key, start, count);
    return this.store.list(key).then((items) => items.slice(start, start + count));
  }
}

function withoutPosition(stored: StoredSuppression): Suppression {
  const { at: _at, ...entry } = stored;
  return entry;
}

function cursorPosition(cursor: string): number {
  const position = Number(cursor);
  if (!/^\d{1,15}$/.test(cursor) || !Number.isSafeInteger(position)) {
    throw new MailoverError(
      `suppressions.list: cursor ${JSON.stringify(cursor)} is not one a page returned (page.next)`,
    );
  }
  return position;
}
