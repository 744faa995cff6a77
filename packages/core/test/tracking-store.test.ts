/**
 * The message record: the built-in memory store keeps it as a frozen object (no JSON on the send
 * path); any other Store gets JSON, as the Store contract says. Both answer status() the same.
 */
import { describe, expect, it } from 'vitest';
import { createMailer, memoryStore, type Store } from '../src/index.js';
import { fromStoredMessage, Tracker } from '../src/engine/tracking.js';
import { normalizeMessage } from '../src/message/index.js';
import { objectValues } from '../src/store/memory-store.js';
import { systemClock } from '../src/time.js';
import { mockProvider } from '../src/testing/index.js';

const message = {
  from: 'app@example.com',
  to: ['ada@example.org', 'bob@example.org'],
  subject: 'Hi',
  text: 'Hello',
};

/** A Store that holds only strings, as a shared one (Redis) does. */
function stringStore(): Store & { readonly values: Map<string, string | string[]> } {
  const values = new Map<string, string | string[]>();
  return {
    values,
    async get(key) {
      const value = values.get(key);
      return typeof value === 'string' ? value : undefined;
    },
    async set(key, value) {
      values.set(key, value);
    },
    async claim(key, value) {
      if (values.has(key)) return false;
      values.set(key, value);
      return true;
    },
    async append(key, value) {
      const list = [...((values.get(key) as string[] | undefined) ?? []), value];
      values.set(key, list);
      return list.length;
    },
    async list(key) {
      return [...((values.get(key) as string[] | undefined) ?? [])];
    },
    async delete(key) {
      values.delete(key);
    },
  };
}

describe('message records', () => {
  it('the memory store keeps the record as a frozen object, not as text', async () => {
    const store = memoryStore();
    const mailer = createMailer({ providers: [mockProvider({ id: 'esp' })], store });
    const sent = await mailer.send(message);
    expect(await store.get(`msg:${sent.id}`)).toBeUndefined();
    const record = store[objectValues].get(`msg:${sent.id}`) as { recipients: string[] };
    expect(record).toMatchObject({
      id: sent.id,
      provider: 'esp',
      recipients: ['ada@example.org', 'bob@example.org'],
    });
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.recipients)).toBe(true);
    const status = await mailer.status(sent.id);
    expect(status).toMatchObject({ id: sent.id, messageId: sent.messageId, provider: 'esp' });
    expect(Object.keys(status!.recipients)).toEqual(['ada@example.org', 'bob@example.org']);
  });

  it('any other store gets the record as JSON and answers status() the same', async () => {
    const store = stringStore();
    const mailer = createMailer({ providers: [mockProvider({ id: 'esp' })], store });
    const sent = await mailer.send(message);
    const text = store.values.get(`msg:${sent.id}`);
    expect(typeof text).toBe('string');
    expect(JSON.parse(text as string)).toMatchObject({ id: sent.id, provider: 'esp' });
    const status = await mailer.status(sent.id);
    expect(status).toMatchObject({ id: sent.id, messageId: sent.messageId, provider: 'esp' });
    expect(status!.history[0]).toMatchObject({ type: 'accepted', provider: 'esp' });
  });

  it('keeps content for a re-send as the message itself in memory, as base64 JSON elsewhere', async () => {
    const sent = normalizeMessage({
      ...message,
      attachments: [{ filename: 'a.bin', content: Uint8Array.of(0, 1, 255) }],
    });
    for (const store of [memoryStore(), stringStore()]) {
      const tracker = new Tracker(store, systemClock, 60_000);
      await tracker.recordAccepted(sent, 'esp', 'pm-1', true);
      const kept = fromStoredMessage((await tracker.record(sent.id))!.content!);
      expect({ ...kept, attachments: [] }).toEqual({ ...sent, attachments: [] });
      expect([...kept.attachments[0]!.content]).toEqual([0, 1, 255]);
    }
  });

  it('expires an object record like any other value', async () => {
    let now = 1_000;
    const store = memoryStore({
      clock: { now: () => now, sleep: async () => {}, random: Math.random } as never,
    });
    store[objectValues].set('msg:x', { id: 'x' }, 100);
    expect(store[objectValues].get('msg:x')).toEqual({ id: 'x' });
    now += 100;
    expect(store[objectValues].get('msg:x')).toBeUndefined();
  });
});
