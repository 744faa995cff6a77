/**
 * Compaction of the suppression index on each Store (memory, the real Redis, the real PostgreSQL):
 * stale items go, live ones stay in order; adds and removes made by another instance (its own
 * connection) while a compaction runs are neither lost nor listed twice; a cursor from before says
 * to list again; one compaction at a time; a compaction that died half-way is finished by the next.
 * docs/suppression.md, "Compaction".
 */
import { memoryStore, type Store, type Suppressions, suppressionsIn } from '@mailover/core';
import { VirtualClock } from '@mailover/core/testing';
import { postgresStore } from '@mailover/postgres';
import { redisStore } from '@mailover/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, findDatabase, uniqueSchema } from '../../packages/postgres/test/database.js';
import { findRedis, uniqueName } from '../../packages/redis/test/redis-server.js';
import { deleteKeys } from '../multi-instance/redis-admin.js';

const DAY = 24 * 3600 * 1000;
const redis = await findRedis();
const database = await findDatabase();
const schemaPrefix = uniqueSchema('compact');
const redisPrefixes: string[] = [];

type OpenStore = Store & { close?(): Promise<void> };

/** Two stores on the same shared state (two instances), fresh for each test. */
const backends: { name: string; skip?: string; open: (label: string) => [OpenStore, OpenStore] }[] = [
  {
    name: 'memory',
    open: () => {
      const store = memoryStore();
      return [store, store];
    },
  },
  {
    name: 'Redis',
    ...('skip' in redis ? { skip: redis.skip } : {}),
    open: (label) => {
      const prefix = `${uniqueName(`compact-${label}`)}:`;
      redisPrefixes.push(prefix);
      const url = 'skip' in redis ? '' : redis.url;
      return [redisStore({ url }, { prefix }), redisStore({ url }, { prefix })];
    },
  },
  {
    name: 'PostgreSQL',
    ...('skip' in database ? { skip: database.skip } : {}),
    open: (label) => {
      const connectionString = 'skip' in database ? '' : database.connectionString;
      const schema = `${schemaPrefix}_${label}`;
      return [
        postgresStore({ connectionString }, { schema }),
        postgresStore({ connectionString }, { schema }),
      ];
    },
  },
];

const opened: OpenStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close?.()));
  // Every key the Redis runs wrote, a failed test's and lapsed soft bounces' included.
  if (!('skip' in redis)) for (const prefix of redisPrefixes) await deleteKeys(redis.url, prefix);
  if (!('skip' in database)) await dropSchemas(database.connectionString, schemaPrefix);
  if (!('skip' in redis)) await redis.stop?.();
});

/** The store, running `hook` (and waiting for it) before each append. */
function withAppendHook(store: Store, hook: (key: string) => Promise<void>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (key: string, value: string, ttlMs: number) => {
          await hook(key);
          return target.append(key, value, ttlMs);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function everyAddress(list: Suppressions): Promise<string[]> {
  return (JSON.parse(await list.export('json')) as { address: string; scope: string }[]).map(
    (entry) => `${entry.scope} ${entry.address}`,
  );
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`compaction on ${backend.name}`, () => {
    let count = 0;
    function setup() {
      count += 1;
      const [one, two] = backend.open(String(count));
      opened.push(one, ...(two === one ? [] : [two]));
      const clock = new VirtualClock({ start: Date.now(), auto: false });
      return {
        store: one,
        clock,
        first: suppressionsIn(one, { clock }),
        second: suppressionsIn(two, { clock }),
      };
    }

    it('drops removed, replaced and expired items; the live ones stay, in order', async () => {
      const { store, clock, first } = setup();
      for (let index = 0; index < 300; index++) await first.add({ address: `a${index}@example.org` });
      for (let index = 0; index < 100; index++) await first.remove(`a${index}@example.org`);
      for (let index = 0; index < 20; index++) await first.add({ address: `a${index + 100}@example.org` }); // live: kept in place
      for (let index = 0; index < 10; index++) await first.add({ address: `a${index}@example.org` }); // re-added: new item
      for (let index = 0; index < 5; index++) {
        await first.add({
          address: `soft${index}@example.org`,
          reason: 'soft_bounce',
          expiresAt: clock.now() + DAY,
        });
      }
      await clock.advance(2 * DAY); // the soft bounces lapse (their keys still exist in Redis and PostgreSQL)
      const before = await everyAddress(first);
      expect(before).toHaveLength(210);
      const report = await first.compact();
      expect(report).toEqual({ kept: 210, dropped: 100 + 5, generation: 1 });
      expect(await everyAddress(first)).toEqual(before);
      expect(await store.list('suppress-index')).toEqual([]);
      expect(await store.list('suppress-index:1')).toHaveLength(210);
      // Nothing stale left: a second compaction keeps everything.
      expect(await first.compact()).toEqual({ kept: 210, dropped: 0, generation: 2 });
      await first.remove('a150@example.org');
      expect((await first.compact()).dropped).toBe(1);
    });

    it('adds and removes by another instance during the compaction are neither lost nor listed twice', async () => {
      const { first, second } = setup();
      for (let index = 0; index < 400; index++) await first.add({ address: `old${index}@example.org` });
      for (let index = 0; index < 400; index += 2) await first.remove(`old${index}@example.org`);
      const expected = new Set<string>();
      for (let index = 1; index < 400; index += 2) expected.add(`* old${index}@example.org`);
      const writer = (async () => {
        for (let index = 0; index < 150; index++) {
          await second.add({ address: `new${index}@example.org`, reason: 'complaint' });
          expected.add(`* new${index}@example.org`);
          if (index % 10 === 0) {
            await second.remove(`old${index + 1}@example.org`);
            expected.delete(`* old${index + 1}@example.org`);
            await second.add({ address: `old${index + 1}@example.org`, scope: 'news' }); // another scope
            expected.add(`news old${index + 1}@example.org`);
          }
        }
      })();
      const exporting = everyAddress(second); // read while the index changes under it
      const [report, , exported] = await Promise.all([first.compact(), writer, exporting]);
      expect(report.generation).toBe(1);
      expect(new Set(exported).size).toBe(exported.length); // never listed twice
      const after = await everyAddress(first);
      expect(new Set(after)).toEqual(expected);
      expect(after).toHaveLength(expected.size);
      // What compaction copied plus what was added meanwhile: the next compaction drops only the stale.
      const again = await second.compact();
      expect(again.kept).toBe(expected.size);
      expect(new Set(await everyAddress(second))).toEqual(expected);
    });

    it('forced interleavings: an add in the middle of the walk, and an add that read the generations just before', async () => {
      const { store, clock, first } = setup();
      for (let index = 0; index < 5; index++) await first.add({ address: `w${index}@example.org` });
      let during: Promise<unknown> | undefined;
      // The compactor's first copy into generation 1 runs another instance's add and remove first.
      const hooked = withAppendHook(store, async (key) => {
        if (key !== 'suppress-index:1' || during) return;
        const other = suppressionsIn(store, { clock });
        during = other.add({ address: 'mid@example.org' }).then(() => other.remove('w4@example.org'));
        await during;
      });
      // w4 was read live before the other instance removed it: carried, and skipped when listed.
      expect(await suppressionsIn(hooked, { clock }).compact()).toEqual({
        kept: 5,
        dropped: 0,
        generation: 1,
      });
      // mid went into generation 1 before the compactor's copies: listed first from now on.
      const w = ['* w0@example.org', '* w1@example.org', '* w2@example.org', '* w3@example.org'];
      expect(await everyAddress(first)).toEqual(['* mid@example.org', ...w]);

      // A writer reads generation 1, then a whole compaction to 2 runs before its append lands in index 1.
      let compacted: Promise<unknown> | undefined;
      const late = withAppendHook(store, async (key) => {
        if (key !== 'suppress-index:1' || compacted) return;
        compacted = first.compact();
        await compacted;
      });
      await suppressionsIn(late, { clock }).add({ address: 'late@example.org' });
      expect(await compacted).toEqual({ kept: 5, dropped: 1, generation: 2 });
      expect(await everyAddress(first)).toEqual(['* mid@example.org', ...w, '* late@example.org']);
      // Its first append recreated index 1 with a stale item; the next compaction deletes it.
      expect(await store.list('suppress-index:1')).toHaveLength(1);
      expect(await first.compact()).toMatchObject({ kept: 6, generation: 3 });
      expect(await store.list('suppress-index:1')).toEqual([]);
    });

    it('a cursor from before the compaction says to list again; one compaction at a time', async () => {
      const { store, first, second } = setup();
      for (let index = 0; index < 30; index++) await first.add({ address: `c${index}@example.org` });
      const page = await first.list({ limit: 10 });
      expect(page.next).toBeDefined();
      // Another process holds the compaction claim: this one is refused, and nothing changes.
      expect(await store.claim('suppress-compacting', 'another process', DAY)).toBe(true);
      await expect(second.compact()).rejects.toThrow(/another compaction of this list is running/);
      expect((await first.list({ limit: 10, cursor: page.next! })).entries[0]?.address).toBe(
        'c10@example.org',
      );
      await store.delete('suppress-compacting');
      expect(await first.compact()).toMatchObject({ kept: 30, generation: 1 });
      await expect(first.list({ limit: 10, cursor: page.next! })).rejects.toThrow(
        /from before the list was compacted; list again from the start/,
      );
      const fresh = await first.list({ limit: 10 });
      expect(fresh.entries[0]?.address).toBe('c0@example.org');
      const rest = await first.list({ limit: 100, cursor: fresh.next! });
      expect(rest.entries).toHaveLength(20);
    });

    it('a compaction that died half-way is finished by the next, with what was added meanwhile', async () => {
      const { store, first } = setup();
      for (let index = 0; index < 20; index++) await first.add({ address: `h${index}@example.org` });
      // The state a compaction to generation 1 leaves when its process dies after two items.
      await store.set('suppress-generation', '0>1', DAY);
      await store.append('suppress-index:1', '*\th0@example.org\t0', DAY);
      await store.append('suppress-index:1', '*\th1@example.org\t1', DAY);
      await first.add({ address: 'during@example.org' }); // a writer sees the compaction and writes both
      expect(await everyAddress(first)).toHaveLength(21);
      expect(await first.compact()).toEqual({ kept: 21, dropped: 0, generation: 2 });
      expect(await store.list('suppress-index:1')).toEqual([]);
      const after = await everyAddress(first);
      expect(after).toHaveLength(21);
      expect(after.at(-1)).toBe('* during@example.org');
    });
  });
}
