/**
 * Compaction of the suppression index: the items of removed, expired and replaced entries (about
 * 40 bytes each) are left behind by design, since no instance rewrites the index. A compaction
 * copies the live items, each with its tag, into the next generation's index, then points readers
 * at it and deletes the old one. Writers that add meanwhile append to both indexes and check the
 * generations again after writing (list.ts, `add`), so nothing added during a compaction is lost.
 * docs/suppression.md, "Compaction".
 */
import { randomUUID } from 'node:crypto';
import { MailoverError } from '../errors.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import {
  FOREVER_MS,
  generationOfTag,
  generationsIn,
  generationsText,
  itemText,
  listRange,
  liveFor,
  readItem,
} from './generations.js';

/** What a compaction did. */
export interface CompactReport {
  /** Index items copied to the new generation: one per live entry. */
  readonly kept: number;
  /** Stale items left out: removed, expired or replaced entries. */
  readonly dropped: number;
  /** The index generation readers walk now. */
  readonly generation: number;
}

/** How long the compaction claim lasts without renewal; it is renewed after every batch. */
const CLAIM_MS = 5 * 60_000;
const BATCH = 1_000;

export async function compactIndex(store: Store, clock: Clock): Promise<CompactReport> {
  const claimKey = storeKeys.suppressionCompaction();
  const token = randomUUID();
  if (!(await store.claim(claimKey, token, CLAIM_MS))) {
    throw new MailoverError(
      'suppressions.compact: another compaction of this list is running; let it finish (it holds the store key suppress-compacting for at most 5 minutes without progress)',
    );
  }
  try {
    const before = await generationsIn(store);
    // A compaction that died half-way left write ≠ read: its index is abandoned, and the items
    // added meanwhile are in the read index too, so they are carried from there.
    const target = Math.max(before.read, before.write) + 1;
    await store.set(
      storeKeys.suppressionGeneration(),
      generationsText({ read: before.read, write: target }),
      FOREVER_MS,
    );
    const source = storeKeys.suppressionIndex(before.read);
    const destination = storeKeys.suppressionIndex(target);
    let position = 0;
    let kept = 0;
    let dropped = 0;
    for (;;) {
      if ((await store.get(claimKey)) !== token) {
        throw new MailoverError(
          'suppressions.compact: the compaction claim expired and another compaction took over; this one stopped (the list is intact)',
        );
      }
      await store.set(claimKey, token, CLAIM_MS);
      const texts = await listRange(store, source, position, BATCH);
      if (texts.length === 0) break;
      const items = texts.map((text, offset) => readItem(text, before.read, position + offset));
      position += texts.length;
      // Items tagged in the target generation were appended there by writers already.
      const carried = items.filter((item) => generationOfTag(item.tag) !== target);
      const raws = await Promise.all(
        carried.map((item) => store.get(storeKeys.suppression(item.scope, item.address))),
      );
      for (const [offset, item] of carried.entries()) {
        if (!liveFor(raws[offset], item.tag, clock.now())) {
          dropped += 1;
          continue;
        }
        await store.append(destination, itemText(item.scope, item.address, item.tag), FOREVER_MS);
        kept += 1;
      }
    }
    await store.set(storeKeys.suppressionGeneration(), String(target), FOREVER_MS);
    await store.delete(source);
    if (before.write !== before.read) await store.delete(storeKeys.suppressionIndex(before.write));
    // A writer that read the generations just before the previous compaction ended may have
    // appended to the index it deleted, recreating it with one stale item: gone now.
    if (before.read > 0) await store.delete(storeKeys.suppressionIndex(before.read - 1));
    return { kept, dropped, generation: target };
  } finally {
    if ((await store.get(claimKey).catch(() => undefined)) === token) await store.delete(claimKey);
  }
}
