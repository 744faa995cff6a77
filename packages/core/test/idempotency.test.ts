import { describe, expect, it } from 'vitest';
import { createMailer, memoryStore, SendError, ValidationError } from '../src/index.js';
import { type MockProviderOptions, mockProvider } from '../src/testing/index.js';

const message = {
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject: 'Your receipt',
  text: 'Order 42: paid.',
  idempotencyKey: 'receipt-42',
};

function setup(script?: MockProviderOptions['script'], store = memoryStore()) {
  const provider = mockProvider({ id: 'main', ...(script ? { script } : {}) });
  const mailer = createMailer({ providers: [provider], store, breaker: false, retry: { retries: 0 } });
  return { provider, mailer, store };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('send() with an idempotencyKey', () => {
  it('calls the provider once; the second send resolves to the first result, marked replayed', async () => {
    const { provider, mailer } = setup();
    const first = await mailer.send(message);
    const second = await mailer.send(message);
    expect(provider.calls).toHaveLength(1);
    expect(first.replayed).toBeUndefined();
    expect(second).toEqual({ ...first, replayed: true });
  });

  it('sends a message without a key every time', async () => {
    const { provider, mailer } = setup();
    const { idempotencyKey: _, ...keyless } = message;
    await mailer.send(keyless);
    await mailer.send(keyless);
    expect(provider.calls).toHaveLength(2);
  });

  it('makes one provider call for 20 concurrent first sends; the others wait for its answer', async () => {
    const { provider, mailer } = setup([{ ok: true, delayMs: 30 }]);
    const results = await Promise.all(Array.from({ length: 20 }, () => mailer.send(message)));
    expect(provider.calls).toHaveLength(1);
    expect(results.filter((result) => result.replayed)).toHaveLength(19);
    expect(new Set(results.map((result) => result.providerMessageId)).size).toBe(1);
  });

  it('refuses the same key with a different message, naming the key and what differs', async () => {
    const { provider, mailer } = setup();
    await mailer.send(message);
    const error = await rejection(mailer.send({ ...message, subject: 'Your refund', to: 'bob@example.org' }));
    expect(ValidationError.isInstance(error)).toBe(true);
    const issue = (error as ValidationError).issues[0]!;
    expect(issue.path).toBe('idempotencyKey');
    expect(issue.message).toContain("'receipt-42'");
    expect(issue.message).toMatch(/\(to, subject differ\)/);
    expect(provider.calls).toHaveLength(1);
  });

  it('refuses a different message while the first is still in flight', async () => {
    const { mailer } = setup([{ ok: true, delayMs: 30 }]);
    const first = mailer.send(message);
    const error = await rejection(mailer.send({ ...message, text: 'Order 43: paid.' }));
    expect((error as ValidationError).issues[0]!.message).toMatch(/\(text differ\)/);
    await first;
  });

  it('does not poison the key with a failure: the next send calls the provider', async () => {
    const { provider, mailer } = setup([{ fail: 'provider_unavailable' }, 'ok']);
    const error = await rejection(mailer.send(message));
    expect(SendError.isInstance(error)).toBe(true);
    const retried = await mailer.send(message);
    expect(provider.calls).toHaveLength(2);
    expect(retried.replayed).toBeUndefined();
    expect(retried.possibleDuplicate).toBe(false);
  });

  it('flags the send after an ambiguous failure as a possible duplicate', async () => {
    const { mailer } = setup([{ fail: 'timeout', outcome: 'unknown' }, 'ok']);
    const error = (await rejection(mailer.send(message))) as SendError;
    expect(error.possiblyDelivered).toBe(true);
    const retried = await mailer.send(message);
    expect(retried.possibleDuplicate).toBe(true);
  });

  it('waits for a send in flight on another instance sharing the store, then replays it', async () => {
    const store = memoryStore();
    const a = setup([{ ok: true, delayMs: 60 }], store);
    const b = setup(undefined, store);
    const results = await Promise.all([a.mailer.send(message), b.mailer.send(message)]);
    expect(a.provider.calls.length + b.provider.calls.length).toBe(1);
    expect(results.map((result) => result.replayed ?? false).sort()).toEqual([false, true]);
    expect(results[1]!.providerMessageId).toBe(results[0]!.providerMessageId);
  });

  it('gives up waiting at the deadline, saying the other send may still deliver', async () => {
    const store = memoryStore();
    const a = setup(['hang'], store);
    const b = setup(undefined, store);
    const first = a.mailer.send(message, { deadline: 400 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = (await rejection(b.mailer.send(message, { deadline: 100 }))) as SendError;
    expect(error.code).toBe('deadline_exceeded');
    expect(error.possiblyDelivered).toBe(true);
    expect(error.message).toContain("'receipt-42' is still in flight");
    expect(b.provider.calls).toHaveLength(0);
    await rejection(first);
  });
});
