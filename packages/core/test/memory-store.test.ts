import { describe, expect, it } from 'vitest';
import { ConfigurationError, memoryStore } from '../src/index.js';
import { VirtualClock } from '../src/testing/index.js';

describe('memoryStore', () => {
  it('keeps claimed keys apart: a flood of records cannot evict a replay token', async () => {
    const store = memoryStore({ maxEntries: 100, maxClaims: 100 });
    expect(await store.claim('once:mailgun:token-1', '1', 60_000)).toBe(true);
    for (let index = 0; index < 10_000; index++) {
      await store.set(`msg:${index}`, 'record', 60_000);
      await store.append(`hist:${index}`, 'line', 60_000);
    }
    expect(await store.claim('once:mailgun:token-1', '1', 60_000)).toBe(false);
    expect(await store.get('once:mailgun:token-1')).toBe('1');
    expect(store.size).toBeLessThanOrEqual(200);
  });

  it('bounds the claims too, evicting the oldest claim first', async () => {
    const store = memoryStore({ maxClaims: 3 });
    for (const key of ['a', 'b', 'c', 'd']) expect(await store.claim(key, '1', 60_000)).toBe(true);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('d')).toBe('1');
  });

  it('a claimed key written again stays among the claims, and delete removes it', async () => {
    const store = memoryStore({ maxEntries: 1, maxClaims: 10 });
    await store.claim('claim:x', 'first', 60_000);
    await store.set('claim:x', 'second', 60_000);
    await store.set('other', 'value', 60_000);
    await store.set('another', 'value', 60_000);
    expect(await store.get('claim:x')).toBe('second');
    await store.delete('claim:x');
    expect(await store.claim('claim:x', 'again', 60_000)).toBe(true);
  });

  it('claims expire like any other key', async () => {
    const clock = new VirtualClock({ auto: false });
    const store = memoryStore({ clock });
    await store.claim('once:t', '1', 1_000);
    await clock.advance(1_001);
    expect(await store.claim('once:t', '1', 1_000)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a bound of %s', (bound) => {
    expect(() => memoryStore({ maxEntries: bound })).toThrow(ConfigurationError);
    expect(() => memoryStore({ maxClaims: bound })).toThrow(/maxClaims/);
  });

  it('ordinary traffic never evicts a suppressed address (a region of its own)', async () => {
    const store = memoryStore({ maxEntries: 10 });
    await store.set('suppress:*:gone@example.com', '{"reason":"hard_bounce"}', 60_000);
    await store.append('suppress-index', '*\tgone@example.com', 60_000);
    for (let index = 0; index < 100; index++) await store.set(`msg:${index}`, 'record', 60_000);
    expect(await store.get('suppress:*:gone@example.com')).toBe('{"reason":"hard_bounce"}');
    expect(await store.listRange?.('suppress-index', 0, 5)).toEqual(['*\tgone@example.com']);
    expect(await store.get('msg:0')).toBeUndefined();
    expect(() => memoryStore({ maxSuppressions: 0 })).toThrow(/maxSuppressions/);
  });
});
