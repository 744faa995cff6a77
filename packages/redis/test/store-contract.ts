/**
 * The Store contract as tests: every store (memory, Redis) runs the same checks, so the engine can
 * rely on one behaviour whichever it is given.
 */
import type { Store } from '@mailover/core';
import { afterAll, describe, expect, it } from 'vitest';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `makeStore` returns a fresh, empty store (its own key namespace) for each test. */
export function testStore(name: string, makeStore: () => Store): void {
  describe(`Store contract: ${name}`, () => {
    const made: Store[] = [];
    const fresh = () => {
      const store = makeStore();
      made.push(store);
      return store;
    };
    afterAll(async () => {
      await Promise.all(made.map((store) => store.close?.()));
    });

    it('returns what was set, and undefined for a key never set', async () => {
      const store = fresh();
      await store.set('record:1', '{"to":"ada@example.edu","subject":"Grüße ✉"}', 60_000);
      expect(await store.get('record:1')).toBe('{"to":"ada@example.edu","subject":"Grüße ✉"}');
      expect(await store.get('record:2')).toBeUndefined();
    });

    it('overwrites on set', async () => {
      const store = fresh();
      await store.set('key', 'first', 60_000);
      await store.set('key', 'second', 60_000);
      expect(await store.get('key')).toBe('second');
    });

    it('grants a claim once and keeps the first value', async () => {
      const store = fresh();
      expect(await store.claim('claim:a', 'instance-1', 60_000)).toBe(true);
      expect(await store.claim('claim:a', 'instance-2', 60_000)).toBe(false);
      expect(await store.get('claim:a')).toBe('instance-1');
      expect(await store.claim('claim:b', 'instance-2', 60_000)).toBe(true);
    });

    it('refuses a claim on a key that was set', async () => {
      const store = fresh();
      await store.set('claim:c', 'taken', 60_000);
      expect(await store.claim('claim:c', 'late', 60_000)).toBe(false);
    });

    it('grants exactly one of many concurrent claims', async () => {
      const store = fresh();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => store.claim('claim:race', String(index), 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('appends in order and returns the new length', async () => {
      const store = fresh();
      expect(await store.append('list', 'one', 60_000)).toBe(1);
      expect(await store.append('list', 'two', 60_000)).toBe(2);
      expect(await store.append('list', 'three', 60_000)).toBe(3);
      expect(await store.list('list')).toEqual(['one', 'two', 'three']);
    });

    it('keeps every one of many concurrent appends', async () => {
      const store = fresh();
      const lengths = await Promise.all(
        Array.from({ length: 40 }, (_, index) => store.append('evidence', String(index), 60_000)),
      );
      expect([...lengths].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
      expect((await store.list('evidence')).sort()).toEqual(
        Array.from({ length: 40 }, (_, index) => String(index)).sort(),
      );
    });

    it('reads part of a list with listRange, when the store has it', async () => {
      const store = fresh();
      if (!store.listRange) return;
      for (const item of ['a', 'b', 'c', 'd', 'e']) await store.append('ranged', item, 60_000);
      expect(await store.listRange('ranged', 0, 2)).toEqual(['a', 'b']);
      expect(await store.listRange('ranged', 3, 10)).toEqual(['d', 'e']);
      expect(await store.listRange('ranged', 5, 1)).toEqual([]);
      expect(await store.listRange('never', 0, 3)).toEqual([]);
      await store.set('plain', 'x', 60_000);
      expect(await store.listRange('plain', 0, 3)).toEqual([]);
    });

    it('lists nothing for a key never appended to', async () => {
      const store = fresh();
      expect(await store.list('nothing')).toEqual([]);
    });

    it('hands out a copy of the list, not the list itself', async () => {
      const store = fresh();
      await store.append('copy', 'a', 60_000);
      const listed = await store.list('copy');
      listed.push('b');
      expect(await store.list('copy')).toEqual(['a']);
    });

    it('deletes values and lists, and a deleted claim can be won again', async () => {
      const store = fresh();
      await store.set('value', 'v', 60_000);
      await store.append('items', 'x', 60_000);
      await store.claim('claim:d', '1', 60_000);
      await Promise.all([store.delete('value'), store.delete('items'), store.delete('claim:d')]);
      expect(await store.get('value')).toBeUndefined();
      expect(await store.list('items')).toEqual([]);
      expect(await store.claim('claim:d', '2', 60_000)).toBe(true);
      await store.delete('never-existed');
    });

    it('keeps a value and a list apart: each kind reads as absent through the other', async () => {
      const store = fresh();
      await store.set('plain', 'v', 60_000);
      await store.append('items', 'x', 60_000);
      expect(await store.list('plain')).toEqual([]);
      expect(await store.get('items')).toBeUndefined();
      expect(await store.append('plain', 'first', 60_000)).toBe(1);
      expect(await store.list('plain')).toEqual(['first']);
    });

    it('forgets values, claims and lists once their TTL has passed', async () => {
      const store = fresh();
      await store.set('short', 'v', 40);
      await store.claim('claim:short', '1', 40);
      await store.append('short-list', 'x', 40);
      await store.set('long', 'v', 60_000);
      await sleep(150);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.list('short-list')).toEqual([]);
      expect(await store.claim('claim:short', '2', 60_000)).toBe(true);
      expect(await store.get('long')).toBe('v');
    });

    it('refreshes a list’s expiry on append', async () => {
      const store = fresh();
      await store.append('refreshed', 'first', 60);
      await store.append('refreshed', 'second', 60_000);
      await sleep(150);
      expect(await store.list('refreshed')).toEqual(['first', 'second']);
    });

    it('starts a new list after the old one expired', async () => {
      const store = fresh();
      await store.append('expiring', 'old', 40);
      await sleep(150);
      expect(await store.append('expiring', 'new', 60_000)).toBe(1);
      expect(await store.list('expiring')).toEqual(['new']);
    });
  });
}
