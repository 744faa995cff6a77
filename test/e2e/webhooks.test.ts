import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer, type Mailer } from '@mailover/core';
import { buildWebhook, type Sandbox, type SandboxProviderKind, startSandbox } from '@mailover/sandbox';
import fc from 'fast-check';
import { sandboxProviders } from './sandbox-providers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KINDS: SandboxProviderKind[] = ['sendgrid', 'ses', 'mailgun', 'postmark'];
let sandbox: Sandbox;
let mailer: Mailer;
let server: Server;

beforeAll(async () => {
  // The mailer's webhook endpoint listens first, so the sandbox knows where to POST.
  let handler: (request: Parameters<Parameters<typeof createServer>[1] & {}>[0], response: any) => void =
    () => {};
  server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    webhooks: {
      urls: Object.fromEntries(KINDS.map((kind) => [kind, `${base}/webhooks/${kind}`])),
      stepMs: 15,
    },
  });
  mailer = createMailer({
    providers: sandboxProviders(sandbox),
  });
  handler = (request, response) => {
    const kind = (request.url ?? '').split('/').pop() ?? '';
    mailer.webhooks.node(kind)(request, response);
  };
});

afterAll(async () => {
  await mailer.close();
  await sandbox.close();
  server.close();
});

const message = (to: string) => ({
  from: 'Shop <shop@example.test>',
  to,
  subject: 'Receipt',
  text: 'Thanks',
});

describe.each(KINDS)('%s: sandbox → signed webhook → handler → mailer.status', (kind) => {
  it('shows the deferrals and then the delivery', async () => {
    const sent = await mailer.send(message(`defer-${kind}@example.org`), { providers: [kind] });
    await sandbox.webhooks.settled();
    const status = await mailer.status(sent.id);
    expect(status?.recipients[`defer-${kind}@example.org`]?.state).toBe('delivered');
    const types = status?.history.map((entry) => entry.type);
    expect(types).toEqual(['accepted', 'deferred', 'deferred', 'delivered']);
    const deferral = status?.history[1];
    expect(deferral?.smtp).toMatchObject({ category: 'mailbox_full' });
    expect(
      sandbox.webhooks.deliveries
        .filter((delivery) => delivery.provider === kind)
        .every((d) => d.status === 200),
    ).toBe(true);
  });

  it('every event carries the mailover id, as the adapter declares (so no provider-id index is kept)', async () => {
    const provider = mailer.providers.find((candidate) => candidate.id === kind);
    expect(provider?.eventsCarryMailoverId).toBe(true);
    const seen: (string | undefined)[] = [];
    const stop = mailer.on('delivery', (event) => seen.push(event.mailoverId));
    const sent = await mailer.send(message(`defer-${kind}-carry@example.org`), { providers: [kind] });
    await sandbox.webhooks.settled();
    stop();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((id) => id === sent.id)).toBe(true);
  });

  it('bounces and drops land as bounced and dropped', async () => {
    const sent = await mailer.send(
      { ...message(`bounce-${kind}@example.org`), cc: `drop-${kind}@example.org` },
      { providers: [kind] },
    );
    await sandbox.webhooks.settled();
    const status = await mailer.status(sent.id);
    expect(status?.recipients[`bounce-${kind}@example.org`]?.state).toBe('bounced');
    expect(status?.recipients[`drop-${kind}@example.org`]?.state).toBe('dropped');
  });

  it('the same webhook delivered twice changes nothing the second time', async () => {
    const sent = await mailer.send(message(`again-${kind}@example.org`), { providers: [kind] });
    await sandbox.webhooks.settled();
    const accepted = sandbox.messages.find((entry) => entry.providerMessageId === sent.providerMessageId)!;
    const request = buildWebhook(
      kind,
      {
        type: 'delivered',
        message: accepted,
        recipient: `again-${kind}@example.org`,
        time: Date.now() - 5_000,
        attempt: 1,
      },
      sandbox.webhooks.keys,
    );
    const post = () =>
      mailer.webhooks.handle(
        kind,
        new Request('http://localhost/', { method: 'POST', headers: request.headers, body: request.body }),
      );
    const first = await post();
    const second = await post();
    expect(first.status).toBe(200);
    if (kind === 'mailgun') {
      expect(second.status).toBe(401); // Mailgun signs a one-time token: a replay is refused outright
    } else {
      expect(await second.json()).toMatchObject({ ok: true, stored: 0, duplicates: 1 });
    }
    const history = (await mailer.status(sent.id))?.history ?? [];
    expect(history.filter((entry) => entry.type === 'delivered')).toHaveLength(2); // the sandbox's own + ours, once
  });

  it('random bytes and random JSON never crash the handler and are never accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
          fc.json().map((text) => Buffer.from(text)),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (body, contentType) => {
          const response = await mailer.webhooks.handle(
            kind,
            new Request('http://localhost/', {
              method: 'POST',
              headers: { 'content-type': contentType },
              body,
            }),
          );
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
