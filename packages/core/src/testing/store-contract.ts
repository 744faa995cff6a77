/**
 * The Store contract as tests: every store (memory, Redis, PostgreSQL, yours) runs the same checks,
 * so the engine can rely on one behaviour whichever it is given. The test functions are passed in
 * (your runner's `describe`, `it`, `afterAll`), so this module depends on no test runner;
 * assertions are `node:assert`.
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import type { Store } from '../store/store.js';

/** The parts of a test runner the contract uses (vitest's, jest's and node:test's all fit). */
export interface StoreContractRunner {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, body: () => Promise<void>) => void;
  readonly afterAll: (body: () => Promise<void>) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Register the Store contract's tests under `describe('Store contract: <name>')`. `makeStore`
 * returns a fresh, empty store (its own key namespace) for each test; each is closed at the end.
 */
export function testStore(name: string, makeStore: () => Store, runner: StoreContractRunner): void {
  const { describe, it, afterAll } = runner;
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
      strictEqual(await store.get('record:1'), '{"to":"ada@example.edu","subject":"Grüße ✉"}');
      strictEqual(await store.get('record:2'), undefined);
    });

    it('overwrites on set', async () => {
      const store = fresh();
      await store.set('key', 'first', 60_000);
      await store.set('key', 'second', 60_000);
      strictEqual(await store.get('key'), 'second');
    });

    it('grants a claim once and keeps the first value', async () => {
      const store = fresh();
      strictEqual(await store.claim('claim:a', 'instance-1', 60_000), true);
      strictEqual(await store.claim('claim:a', 'instance-2', 60_000), false);
      strictEqual(await store.get('claim:a'), 'instance-1');
      strictEqual(await store.claim('claim:b', 'instance-2', 60_000), true);
    });

    it('refuses a claim on a key that was set', async () => {
      const store = fresh();
      await store.set('claim:c', 'taken', 60_000);
      strictEqual(await store.claim('claim:c', 'late', 60_000), false);
    });

    it('grants exactly one of many concurrent claims', async () => {
      const store = fresh();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => store.claim('claim:race', String(index), 60_000)),
      );
      strictEqual(results.filter(Boolean).length, 1);
      strictEqual(await store.get('claim:race'), String(results.indexOf(true)));
    });

    it('appends in order and returns the new length', async () => {
      const store = fresh();
      strictEqual(await store.append('list', 'one', 60_000), 1);
      strictEqual(await store.append('list', 'two', 60_000), 2);
      strictEqual(await store.append('list', 'three', 60_000), 3);
      deepStrictEqual(await store.list('list'), ['one', 'two', 'three']);
    });

    it('keeps every one of many concurrent appends', async () => {
      const store = fresh();
      const lengths = await Promise.all(
        Array.from({ length: 40 }, (_, index) => store.append('evidence', String(index), 60_000)),
      );
      const expected = Array.from({ length: 40 }, (_, index) => index + 1);
      deepStrictEqual(
        [...lengths].sort((a, b) => a - b),
        expected,
      );
      deepStrictEqual(
        (await store.list('evidence')).sort(),
        expected.map((length) => String(length - 1)).sort(),
      );
    });

    it('reads part of a list with listRange, when the store has it', async () => {
      const store = fresh();
      if (!store.listRange) return;
      for (const item of ['a', 'b', 'c', 'd', 'e']) await store.append('ranged', item, 60_000);
      deepStrictEqual(await store.listRange('ranged', 0, 2), ['a', 'b']);
      deepStrictEqual(await store.listRange('ranged', 3, 10), ['d', 'e']);
      deepStrictEqual(await store.listRange('ranged', 5, 1), []);
      deepStrictEqual(await store.listRange('never', 0, 3), []);
      await store.set('plain', 'x', 60_000);
      deepStrictEqual(await store.listRange('plain', 0, 3), []);
    });

    it('lists nothing for a key never appended to', async () => {
      const store = fresh();
      deepStrictEqual(await store.list('nothing'), []);
    });

    it('hands out a copy of the list, not the list itself', async () => {
      const store = fresh();
      await store.append('copy', 'a', 60_000);
      const listed = await store.list('copy');
      listed.push('b');
      deepStrictEqual(await store.list('copy'), ['a']);
    });

    it('deletes values and lists, and a deleted claim can be won again', async () => {
      const store = fresh();
      await store.set('value', 'v', 60_000);
      await store.append('items', 'x', 60_000);
      await store.claim('claim:d', '1', 60_000);
      await Promise.all([store.delete('value'), store.delete('items'), store.delete('claim:d')]);
      strictEqual(await store.get('value'), undefined);
      deepStrictEqual(await store.list('items'), []);
      strictEqual(await store.claim('claim:d', '2', 60_000), true);
      await store.delete('never-existed');
    });

    it('keeps a value and a list apart: each kind reads as absent through the other', async () => {
      const store = fresh();
      await store.set('plain', 'v', 60_000);
      await store.append('items', 'x', 60_000);
      deepStrictEqual(await store.list('plain'), []);
      strictEqual(await store.get('items'), undefined);
      strictEqual(await store.append('plain', 'first', 60_000), 1);
      deepStrictEqual(await store.list('plain'), ['first']);
    });

    it('refuses a claim on a key that holds a list', async () => {
      const store = fresh();
      await store.append('held', 'x', 60_000);
      strictEqual(await store.claim('held', '1', 60_000), false);
    });

    it('forgets values, claims and lists once their TTL has passed', async () => {
      const store = fresh();
      await store.set('short', 'v', 40);
      await store.claim('claim:short', '1', 40);
      await store.append('short-list', 'x', 40);
      await store.set('long', 'v', 60_000);
      await sleep(150);
      strictEqual(await store.get('short'), undefined);
      deepStrictEqual(await store.list('short-list'), []);
      strictEqual(await store.claim('claim:short', '2', 60_000), true);
      strictEqual(await store.get('long'), 'v');
    });

    it('refreshes a list’s expiry on append', async () => {
      const store = fresh();
      await store.append('refreshed', 'first', 60);
      await store.append('refreshed', 'second', 60_000);
      await sleep(150);
      deepStrictEqual(await store.list('refreshed'), ['first', 'second']);
    });

    it('starts a new list after the old one expired', async () => {
      const store = fresh();
      await store.append('expiring', 'old', 40);
      await sleep(150);
      strictEqual(await store.append('expiring', 'new', 60_000), 1);
      deepStrictEqual(await store.list('expiring'), ['new']);
    });

    it('paces a shared token bucket: the burst at once, then one token per 1/perSecond', async () => {
      const store = fresh();
      if (!store.reserveToken) return; // optional: a store without it paces each process on its own
      const waits: number[] = [];
      for (let index = 0; index < 4; index++) waits.push(await store.reserveToken('bucket', 10, 2));
      // Two tokens of burst, then one every 100 ms: the third waits up to 100 ms, the fourth up to 200.
      deepStrictEqual(waits.slice(0, 2), [0, 0]);
      ok(waits[2]! > 0 && waits[2]! <= 100, `third wait ${waits[2]} ms, expected (0, 100]`);
      ok(
        waits[3]! > waits[2]! && waits[3]! <= 200,
        `fourth wait ${waits[3]} ms, expected (${waits[2]}, 200]`,
      );
    });
  });
}
