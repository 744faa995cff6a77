/**
 * The suppression list over the Store: one key per (scope, address) holding the entry, and one
 * append-only index list that paging walks. An entry records the tag of its index item (its
 * position), so an index item whose entry was removed, expired or re-added elsewhere is skipped:
 * the same address is never listed twice, and no read-modify-write of the index is needed across
 * instances. `compact` (compact.ts) drops those stale items into a new index generation
 * (generations.ts). docs/suppression.md, "In the Store".
 */
import { ConfigurationError } from '../adapter-kit.js';
import { MailoverError } from '../errors.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { suppressionAddress, suppressionScope } from './address.js';
import { checkTargets, learnedPusher } from './push.js';
import type { SuppressionTarget } from './sync.js';
import { type CompactReport, compactIndex } from './compact.js';
import {
  cursorText,
  FOREVER_MS,
  type Generations,
  generationsIn,
  itemText,
  listRange,
  liveFor,
  readCursor,
  readItem,
  type StoredSuppression,
  tagAt,
} from './generations.js';
import {
  EVERY_STREAM,
  type ListSuppressionsOptions,
  SUPPRESSION_REASONS,
  type Suppression,
  type SuppressionInput,
  type SuppressionPage,
  type SuppressionReason,
} from './types.js';

export { FOREVER_MS } from './generations.js';

/** Options of {@link SuppressionList}. */
export interface SuppressionListOptions {
  /** How long a learned soft bounce suppresses, ms. Default 3 days. */
  readonly softBounceMs?: number;
  /** Push each entry learned from a webhook to these providers' own lists as it is learned. */
  readonly pushOnLearn?: readonly SuppressionTarget[];
}

export class SuppressionList {
  readonly softBounceMs: number;
  /** Called with each entry a webhook taught (not imports, syncs or manual adds). */
  private readonly learned?: (entry: Suppression) => void;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: SuppressionListOptions = {},
  ) {
    this.softBounceMs = options.softBounceMs ?? 3 * 24 * 3600 * 1000;
    if (options.pushOnLearn !== undefined) {
      if (!Array.isArray(options.pushOnLearn)) {
        throw new ConfigurationError(
          'createMailer: suppression.pushOnLearn must be a list of provider suppression lists, such as [sesSuppressions()]',
        );
      }
      checkTargets(options.pushOnLearn, 'createMailer: suppression.pushOnLearn');
      if (options.pushOnLearn.length > 0) this.learned = learnedPusher(options.pushOnLearn);
    }
  }

  /** Record what an attributed event taught (learn.ts): never shortens a lasting entry. */
  async learn(input: SuppressionInput): Promise<Suppression> {
    const { entry, written } = await this.write(input, true);
    if (written) this.learned?.(entry);
    return entry;
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
    return (await this.write(input, learned)).entry;
  }

  private async write(
    input: SuppressionInput,
    learned: boolean,
  ): Promise<{ entry: Suppression; written: boolean }> {
    const entry = this.entryOf(input);
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now())
      return { entry, written: false }; // lapsed already
    const key = storeKeys.suppression(entry.scope, entry.address);
    // The generations are read now too: one round trip, where the entry is new.
    const [raw, firstGenerations] = await Promise.all([this.store.get(key), generationsIn(this.store)]);
    const existing = raw === undefined ? undefined : (JSON.parse(raw) as StoredSuppression);
    const live = existing && (existing.expiresAt === undefined || existing.expiresAt > this.clock.now());
    if (learned && live && (existing.expiresAt === undefined || entry.expiresAt !== undefined)) {
      return { entry: withoutPosition(existing), written: false };
    }
    const ttlMs = entry.expiresAt === undefined ? FOREVER_MS : entry.expiresAt - this.clock.now();
    if (live) {
      await this.store.set(key, JSON.stringify({ ...entry, at: existing.at }), ttlMs);
      return { entry, written: true };
    }
    let generations = firstGenerations;
    for (;;) {
      await this.index(entry, key, ttlMs, generations);
      // A compaction that began meanwhile may have walked past this item: index it again in the
      // generation it writes (the entry then names the new item; the old one reads as stale).
      const now = await generationsIn(this.store);
      if (now.read === generations.read && now.write === generations.write) break;
      generations = now;
    }
    return { entry, written: true };
  }

  /**
   * Append the entry's item to the index writers use and store the entry with its tag. During a
   * compaction the index readers still walk gets the item too, tag written out, so pages read
   * meanwhile list it.
   */
  private async index(entry: Suppression, key: string, ttlMs: number, generations: Generations) {
    const item = itemText(entry.scope, entry.address);
    const position =
      (await this.store.append(storeKeys.suppressionIndex(generations.write), item, FOREVER_MS)) - 1;
    const tag = tagAt(generations.write, position);
    if (generations.read !== generations.write) {
      await this.store.append(
        storeKeys.suppressionIndex(generations.read),
        itemText(entry.scope, entry.address, tag),
        FOREVER_MS,
      );
    }
    const at = generations.write === 0 ? position : tag;
    await this.store.set(key, JSON.stringify({ ...entry, at }), ttlMs);
  }

  /**
   * Drop the index items of removed, expired and replaced entries: the live ones are copied into
   * a new index generation and the old index deleted. Safe while other instances add and remove;
   * one compaction runs at a time (a second is refused). Cursors of pages read before it end
   * with an error saying to list again; `all` and `export` start over by themselves.
   */
  compact(): Promise<CompactReport> {
    return compactIndex(this.store, this.clock);
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
    const cursor = options.cursor === undefined ? undefined : readCursor(options.cursor);
    const scope = options.scope === undefined ? undefined : suppressionScope(options.scope);
    for (;;) {
      const { read } = await generationsIn(this.store);
      if (cursor && cursor.generation !== read) {
        throw new MailoverError(
          `suppressions.list: cursor ${JSON.stringify(options.cursor)} is from before the list was compacted; list again from the start (no cursor)`,
        );
      }
      const page = await this.walk(read, cursor?.position ?? 0, limit, scope);
      // A compaction that ended during the walk deleted the index it read: read the page again.
      if ((await generationsIn(this.store)).read !== read) continue;
      return page.more
        ? { entries: page.entries, next: cursorText(read, page.position) }
        : { entries: page.entries };
    }
  }

  /**
   * Up to `limit` entries from `mark` (what the previous call returned; none: the start), and the
   * mark where they end, last page or not. A mark from before a compaction starts over.
   */
  async pageFrom(
    mark: string | undefined,
    limit: number,
  ): Promise<{ entries: Suppression[]; mark: string; more: boolean }> {
    for (;;) {
      const { read } = await generationsIn(this.store);
      const from = mark === undefined ? undefined : readCursor(mark);
      const page = await this.walk(read, from?.generation === read ? from.position : 0, limit, undefined);
      if ((await generationsIn(this.store)).read !== read) continue;
      return { entries: page.entries, mark: cursorText(read, page.position), more: page.more };
    }
  }

  /** Up to `limit` live entries from `position` in `generation`'s index, and where the walk stopped. */
  private async walk(
    generation: number,
    start: number,
    limit: number,
    scope: string | undefined,
  ): Promise<{ entries: Suppression[]; position: number; more: boolean }> {
    let position = start;
    const entries: Suppression[] = [];
    const index = storeKeys.suppressionIndex(generation);
    while (entries.length < limit) {
      const items = await this.range(index, position, limit);
      if (items.length === 0) return { entries, position, more: false };
      for (const text of items) {
        const item = readItem(text, generation, position++);
        if (scope !== undefined && item.scope !== scope) continue;
        const raw = await this.store.get(storeKeys.suppression(item.scope, item.address));
        const stored = liveFor(raw, item.tag, this.clock.now());
        if (!stored) continue;
        entries.push(withoutPosition(stored));
        if (entries.length === limit) break;
      }
    }
    const more = (await this.range(index, position, 1)).length > 0;
    return { entries, position, more };
  }

  /** Every entry, page by page; a compaction meanwhile starts the walk over, skipping what was given. */
  async *all(scope?: string): AsyncGenerator<Suppression> {
    const given = new Set<string>();
    const only = scope === undefined ? undefined : suppressionScope(scope);
    walks: for (;;) {
      const { read } = await generationsIn(this.store);
      let position = 0;
      for (;;) {
        const page = await this.walk(read, position, 1_000, only);
        if ((await generationsIn(this.store)).read !== read) continue walks;
        for (const entry of page.entries) {
          const key = `${entry.scope}\t${entry.address}`;
          if (given.has(key)) continue;
          given.add(key);
          yield entry;
        }
        if (!page.more) return;
        position = page.position;
      }
    }
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
    return listRange(this.store, key, start, count);
  }
}

function withoutPosition(stored: StoredSuppression): Suppression {
  const { at: _at, ...entry } = stored;
  return entry;
}
