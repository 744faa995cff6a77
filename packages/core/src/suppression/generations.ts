/**
 * The suppression index's generations (docs/suppression.md, "In the Store"). Each entry carries a
 * tag naming the one index item that lists it: its position in the index it was appended to
 * (`"<generation>:<position>"`, or the bare position in generation 0, the index before any
 * compaction). A compaction copies the live items into the next generation's index, each with its
 * original tag written out, so no entry is ever rewritten and an index item is listed only while
 * its tag is the entry's own.
 */
import { MailoverError } from '../errors.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Suppression } from './types.js';

/** How long an entry without expiry is kept: a Store key always has a TTL (about 100 years). */
export const FOREVER_MS = 100 * 365 * 24 * 3600 * 1000;

/**
 * What the Store keeps under a suppression key: the entry and the tag of its index item (a number
 * in generation 0, as entries written before compaction existed hold it; else `"<gen>:<pos>"`).
 */
export interface StoredSuppression extends Suppression {
  readonly at: number | string;
}

/** The stored entry under `raw`, when it is live and its index item is the one tagged `tag`. */
export function liveFor(raw: string | undefined, tag: string, now: number): StoredSuppression | undefined {
  if (raw === undefined) return undefined;
  const stored = JSON.parse(raw) as StoredSuppression;
  if (String(stored.at) !== tag) return undefined; // removed and added again later: listed there
  if (stored.expiresAt !== undefined && stored.expiresAt <= now) return undefined;
  return stored;
}

/** Part of a list: `Store.listRange` where the store has it, else the whole list sliced. */
export function listRange(store: Store, key: string, start: number, count: number): Promise<string[]> {
  if (store.listRange) return store.listRange(key, start, count);
  return store.list(key).then((items) => items.slice(start, start + count));
}

/** Which index readers walk (`read`) and writers append to (`write`); they differ during a compaction. */
export interface Generations {
  readonly read: number;
  readonly write: number;
}

/** The generations as the Store holds them: `"3"`, or `"3>4"` while a compaction to 4 runs. */
export async function generationsIn(store: Store): Promise<Generations> {
  const raw = await store.get(storeKeys.suppressionGeneration());
  if (raw === undefined) return { read: 0, write: 0 };
  const match = /^(\d{1,9})(?:>(\d{1,9}))?$/.exec(raw);
  if (!match)
    throw new MailoverError(`suppressions: the store's ${storeKeys.suppressionGeneration()} is unreadable`);
  const read = Number(match[1]);
  return { read, write: match[2] === undefined ? read : Number(match[2]) };
}

export function generationsText(generations: Generations): string {
  return generations.read === generations.write
    ? String(generations.read)
    : `${generations.read}>${generations.write}`;
}

/** The tag of the item at `position` in `generation`'s index, when the item does not carry one. */
export function tagAt(generation: number, position: number): string {
  return generation === 0 ? String(position) : `${generation}:${position}`;
}

/** The generation a tag was appended in. */
export function generationOfTag(tag: string): number {
  const colon = tag.indexOf(':');
  return colon === -1 ? 0 : Number(tag.slice(0, colon));
}

/** One index item: `scope TAB address`, and `TAB tag` when a compaction carried it over. */
export interface IndexItem {
  readonly scope: string;
  readonly address: string;
  readonly tag: string;
}

export function readItem(item: string, generation: number, position: number): IndexItem {
  const [scope = '', address = '', tag] = item.split('\t');
  return { scope, address, tag: tag ?? tagAt(generation, position) };
}

export function itemText(scope: string, address: string, tag?: string): string {
  return tag === undefined ? `${scope}\t${address}` : `${scope}\t${address}\t${tag}`;
}

/** A page cursor: a position in one generation's index (generation 0's is the bare position). */
export function cursorText(generation: number, position: number): string {
  return generation === 0 ? String(position) : `${generation}:${position}`;
}

export function readCursor(cursor: string): { generation: number; position: number } {
  const match = /^(?:(\d{1,9}):)?(\d{1,15})$/.exec(cursor);
  if (!match) {
    throw new MailoverError(
      `suppressions.list: cursor ${JSON.stringify(cursor)} is not one a page returned (page.next)`,
    );
  }
  return { generation: match[1] === undefined ? 0 : Number(match[1]), position: Number(match[2]) };
}
