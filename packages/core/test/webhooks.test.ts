import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMailer, memoryStore } from '../src/index.js';
import { mockProvider, mockWebhooks } from '../src/testing/index.js';

function setup() {
  const provider = mockProvider({ id: 'esp', webhooks: mockWebhooks({ provider: 'esp' }) });
  const mailer = createMailer({ providers: [provider], maxWebhookBytes: 10_000 });
  return { provider, mailer };
}

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request('http://localhost/hook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mock-secret': 'mock-secret', ...headers },
    body,
  });

const message = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

describe('mailer.webhooks.handle', () => {
  it('stores events, correlates them and answers 200 only after storing', async () => {
    const { mailer } = setup();
    const sent = await mailer.send(message);
    const response = await mailer.webhooks.handle(
      'esp',
      post(
        JSON.stringify([
          { type: 'delivered', recipient: 'ada@example.org', providerMessageId: sent.providerMessageId },
        ]),
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, stored: 1, duplicates: 0 });
    expect((await mailer.status(sent.id))?.recipients['ada@example.org']?.state).toBe('delivered');
  });

  it('keeps a provider-message-id index only for providers whose events may lack the mailover id', async () => {
    const indexed = memoryStore();
    const plain = mockProvider({ id: 'esp', webhooks: mockWebhooks({ provider: 'esp' }) });
    await createMailer({ providers: [plain], store: indexed }).send(message);
    expect(indexed.size).toBe(2); // the record and the index entry

    const store = memoryStore();
    const carrying = {
      ...mockProvider({ id: 'esp', webhooks: mockWebhooks({ provider: 'esp' }) }),
      eventsCarryMailoverId: true,
    };
    const mailer = createMailer({ providers: [carrying], store });
    const sent = await mailer.send(message);
    expect(store.size).toBe(1); // the record alone: one write per send
    // Its events still find the message, by the id they carry.
    const response = await mailer.webhooks.handle(
      'esp',
      post(JSON.stringify([{ type: 'delivered', recipient: 'ada@example.org', mailoverId: sent.id }])),
    );
    expect(response.status).toBe(200);
    expect((await mailer.status(sent.id))?.recipients['ada@example.org']?.state).toBe('delivered');
  });

  it('the same webhook delivered twice changes nothing the second time', async () => {
    const { mailer } = setup();
    const sent = await mailer.send(message);
    const body = JSON.stringify([
      { type: 'deferred', recipient: 'ada@example.org', mailoverId: sent.id, eventId: 'e1' },
    ]);
    await mailer.webhooks.handle('esp', post(body));
    const again = await mailer.webhooks.handle('esp', post(body));
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await mailer.status(sent.id))?.history).toHaveLength(2);
  });

  it.each([
    ['bad secret', post('[]', { 'x-mock-secret': 'wrong' }), 401],
    ['wrong content type', post('[]', { 'content-type': 'text/plain' }), 415],
    ['non-JSON', post('{not json'), 400],
    ['truncated', post('[{"type":"delivered","recip'), 400],
    ['oversized', post(`[${'1,'.repeat(6_000)}1]`), 413],
  ])('refuses %s with %i', async (_name, request, status) => {
    const { mailer } = setup();
    const response = await mailer.webhooks.handle('esp', request);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { ok: boolean }).ok).toBe(false);
  });

  it('answers 404 for a provider without webhook verification and 405 for GET', async () => {
    const { mailer } = setup();
    expect((await mailer.webhooks.handle('nope', post('[]'))).status).toBe(404);
    expect((await mailer.webhooks.handle('esp', new Request('http://localhost/hook'))).status).toBe(405);
  });

  it('answers 503 when the store fails, so the provider delivers the webhook again', async () => {
    const provider = mockProvider({ id: 'esp', webhooks: mockWebhooks({ provider: 'esp' }) });
    const failing = {
      get: async (): Promise<string | undefined> => {
        throw new Error('store down');
      },
      set: async () => {},
      claim: async () => true,
      append: async () => {
        throw new Error('store down');
      },
      list: async () => [],
      delete: async () => {},
    };
    const mailer = createMailer({ providers: [provider], store: failing });
    const response = await mailer.webhooks.handle(
      'esp',
      post(JSON.stringify([{ type: 'delivered', recipient: 'a@example.org', mailoverId: 'm1' }])),
    );
    expect(response.status).toBe(503);
  });

  it('works as a Node http handler on the raw body', async () => {
    const { mailer } = setup();
    const sent = await mailer.send(message);
    const server = createServer(mailer.webhooks.node('esp'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-secret': 'mock-secret' },
        body: JSON.stringify([{ type: 'bounced', recipient: 'ada@example.org', mailoverId: sent.id }]),
      });
      expect(ok.status).toBe(200);
      const big = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-secret': 'mock-secret' },
        body: 'x'.repeat(20_000),
      });
      expect(big.status).toBe(413);
      expect((await mailer.status(sent.id))?.recipients['ada@example.org']?.state).toBe('bounced');
    } finally {
      server.close();
    }
  });
});
