import { memoryStore } from '@mailover/core';
import { Redis } from 'ioredis';
import { testStore } from '@mailover/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisError, redisStore } from '../src/index.js';
import { freePort, findRedis, hasRedisServer, startRedisServer, uniqueName } from './redis-server.js';

const target = await findRedis();
if ('skip' in target) console.warn(`@mailover/redis store tests skipped: ${target.skip}`);
const describeRedis = 'skip' in target ? describe.skip : describe;
const url = 'url' in target ? target.url : 'redis://127.0.0.1:6379';
const runPrefix = `mailover:${uniqueName('store')}:`;

/** Every key this run wrote, for the checks and the clean-up. */
async function keysOfRun(client: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

const runner = { describe, it, afterAll };
testStore('memoryStore (core)', () => memoryStore(), runner);

let storeCount = 0;
describeRedis('redisStore', () => {
  const admin = new Redis(url, { lazyConnect: true });
  afterAll(async () => {
    if (admin.status !== 'wait') {
      const keys = await keysOfRun(admin);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    }
    await ('stop' in target ? target.stop() : undefined);
  });

  testStore(
    'redisStore',
    () => {
      storeCount += 1; // a namespace of its own for each test
      return redisStore({ url }, { prefix: `${runPrefix}${storeCount}:` });
    },
    runner,
  );

  it('namespaces every key under the prefix and lets none live forever', async () => {
    const prefix = `${runPrefix}ttl:`;
    const store = redisStore({ url }, { prefix });
    await store.set('value', 'v', 60_000);
    await store.claim('claim', '1', 60_000);
    await store.append('list', 'x', 60_000);
    await store.reserveToken?.('bucket', 10, 5);
    const keys = (await keysOfRun(admin)).filter((key) => key.startsWith(prefix)).sort();
    expect(keys).toEqual([`${prefix}bucket`, `${prefix}claim`, `${prefix}list`, `${prefix}value`]);
    for (const key of keys) expect(await admin.pttl(key)).toBeGreaterThan(0);
    await store.close();
  });

  it('grants exactly one of 200 concurrent claims made through two separate connections', async () => {
    const first = new Redis(url);
    const second = new Redis(url);
    const prefix = `${runPrefix}race:`;
    const stores = [redisStore({ client: first }, { prefix }), redisStore({ client: second }, { prefix })];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        stores[index % 2]!.claim('failover', `claim-${index}`, 60_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await stores[0]!.get('failover')).toBe(`claim-${winner}`);
    await Promise.all(stores.map((store) => store.close()));
    // A client passed in belongs to the caller: closing the store leaves it open.
    expect(await first.ping()).toBe('PONG');
    await Promise.all([first.quit(), second.quit()]);
  });

  it('shares one token bucket between instances', async () => {
    const prefix = `${runPrefix}bucket:`;
    const stores = [redisStore({ url }, { prefix }), redisStore({ url }, { prefix })];
    const waits = [
      await stores[0]!.reserveToken!('rate:sendgrid', 10, 2),
      await stores[1]!.reserveToken!('rate:sendgrid', 10, 2),
      await stores[0]!.reserveToken!('rate:sendgrid', 10, 2),
      await stores[1]!.reserveToken!('rate:sendgrid', 10, 2),
    ];
    // Two tokens of burst, then one every 100 ms: the third waits up to 100 ms, the fourth up to 200.
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(0);
    expect(waits[2]).toBeLessThanOrEqual(100);
    expect(waits[3]).toBeGreaterThan(waits[2]!);
    expect(waits[3]).toBeLessThanOrEqual(200);
    await Promise.all(stores.map((store) => store.close()));
  });
});

describe('redisStore when Redis is down', () => {
  it('neither connects nor throws when constructed', async () => {
    const port = await freePort();
    const store = redisStore({ url: `redis://127.0.0.1:${port}` });
    expect(typeof store.get).toBe('function');
    await store.close();
  });

  it('fails at once with an error naming the server but not its password', { timeout: 3_000 }, async () => {
    const port = await freePort();
    const store = redisStore({ url: `redis://mailer:s3cret-pa55@127.0.0.1:${port}/2` });
    for (const attempt of [() => store.get('a'), () => store.claim('b', '1', 1_000), () => store.list('c')]) {
      const error = await attempt().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(RedisError.isInstance(error)).toBe(true);
      const redisError = error as RedisError;
      expect(redisError.unavailable).toBe(true);
      expect(redisError.message).toContain(`127.0.0.1:${port}`);
      expect(redisError.message).toContain('ECONNREFUSED');
      expect(redisError.url).toBe(`redis://mailer:***@127.0.0.1:${port}/2`);
      expect(JSON.stringify({ ...redisError, message: redisError.message })).not.toContain('s3cret-pa55');
    }
    await store.close();
  });

  const describeRestart = hasRedisServer() ? describe : describe.skip;
  if (!hasRedisServer()) console.warn('redisStore recovery test skipped: redis-server is not installed');
  describeRestart('with a server that goes away and comes back', () => {
    it('fails clearly while it is gone and works again once it is back', async () => {
      const server = await startRedisServer();
      const store = redisStore({ url: server.url });
      try {
        await store.set('survivor', 'before', 60_000);
        expect(await store.get('survivor')).toBe('before');

        const killer = new Redis(server.url, { retryStrategy: () => null });
        await killer.call('SHUTDOWN', 'NOSAVE').catch(() => {}); // the reply never comes: the server is gone
        killer.disconnect();
        await server.stop();

        const error = await store.get('survivor').then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(RedisError.isInstance(error) && error.unavailable).toBe(true);

        await server.restart();
        const recovered = await eventually(() => store.set('survivor', 'after', 60_000));
        expect(recovered).toBe(true);
        expect(await store.get('survivor')).toBe('after');
      } finally {
        await store.close();
        await server.stop();
      }
    });
  });
});

/** Retry `action` until it succeeds (true) or 5 s have gone by (false): reconnection takes a moment. */
async function eventually(action: () => Promise<unknown>): Promise<boolean> {
  for (let tries = 0; tries < 100; tries += 1) {
    try {
      await action();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return false;
}
