/**
 * End to end over real HTTP on 127.0.0.1: the service runs against its in-process sandbox (no
 * keys), the official SDKs talk to it, and webhooks arrive signed in each provider's own format.
 */
import { buildSesWebhook, type SandboxEventSpec } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';

const message = (to: string) => ({
  from: 'Shop <shop@example.com>',
  to,
  subject: 'Your receipt',
  text: 'Thanks for your order.',
});

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function sandboxOf(service: Service) {
  if (!service.sandboxMode) throw new Error('expected sandbox mode');
  return service.sandboxMode;
}

describe('express service: send, failover, webhooks, status', () => {
  let service: Service;
  const logs: LogRecord[] = [];
  const answers: string[] = [];
  let failedOver: { id: string; providerMessageId: string } | undefined;

  beforeAll(async () => {
    service = await startService({
      env: { PORT: '0', MAILOVER_TIMEOUT_MS: '300' },
      logger: (record) => logs.push(record),
    });
  });
  afterAll(() => service?.shutdown());

  it('sends through the first provider and answers with its id', async () => {
    const { status, body } = await post(`${service.url}/send`, message('ada@example.org'));
    answers.push(JSON.stringify(body));
    expect(status).toBe(200);
    expect(body).toMatchObject({ provider: 'sendgrid', attempts: [{ provider: 'sendgrid', code: 'ok' }] });
    expect(body.id).toEqual(expect.any(String));
    expect(sandboxOf(service).sandbox.messages.at(-1)?.providerMessageId).toBe(body.providerMessageId);
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'sent', id: body.id, provider: 'sendgrid' }),
    );
  });

  it('fails over to the next provider during an outage, showing every attempt', async () => {
    const { sandbox } = sandboxOf(service);
    sandbox.faults.set('sendgrid', { kind: 'outage' });
    try {
      const { status, body } = await post(`${service.url}/send`, message('grace@example.org'));
      answers.push(JSON.stringify(body));
      expect(status).toBe(200);
      expect(body.provider).toBe('ses');
      const route = (body.attempts as { provider: string; code: string }[]).map(
        (attempt) => `${attempt.provider}:${attempt.code}`,
      );
      expect(route.at(-1)).toBe('ses:ok');
      expect(route.slice(0, -1)).toEqual(expect.arrayContaining(['sendgrid:provider_unavailable']));
      expect(route.slice(0, -1).every((step) => step === 'sendgrid:provider_unavailable')).toBe(true);
      expect(logs).toContainEqual(
        expect.objectContaining({ event: 'failover', id: body.id, from: 'sendgrid', to: 'ses' }),
      );
      failedOver = { id: body.id, providerMessageId: body.providerMessageId };
    } finally {
      sandbox.faults.clear('sendgrid');
    }
  });

  function sesEvent(type: SandboxEventSpec['type']) {
    const { sandbox } = sandboxOf(service);
    const keys = sandbox.webhooks.keys;
    const accepted = sandbox.messages.find(
      (candidate) => candidate.providerMessageId === failedOver?.providerMessageId,
    );
    if (!accepted) throw new Error('the failed-over message is missing');
    const spec: SandboxEventSpec = {
      type,
      message: accepted,
      recipient: 'grace@example.org',
      time: Date.now(),
    };
    return buildSesWebhook([spec], keys.ses());
  }

  it('takes a signed webhook from the accepting provider, and the status shows the delivery', async () => {
    const webhook = sesEvent('delivered');
    const response = await fetch(`${service.url}/webhooks/ses`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    expect(response.status).toBe(200);

    const status = await fetch(`${service.url}/messages/${failedOver!.id}`);
    expect(status.status).toBe(200);
    const body = (await status.json()) as Record<string, any>;
    expect(body.provider).toBe('ses');
    expect(body.recipients['grace@example.org']).toMatchObject({ state: 'delivered', provider: 'ses' });
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'delivery', id: failedOver!.id, type: 'delivered', provider: 'ses' }),
    );
  });

  it('refuses a tampered webhook with 401 and records nothing from it', async () => {
    const webhook = sesEvent('bounced');
    // Re-aim the signed bounce at another recipient: the SNS signature no longer matches.
    const tampered = Buffer.from(
      webhook.body.toString('utf8').replaceAll('grace@example.org', 'eve@example.org'),
    );
    const response = await fetch(`${service.url}/webhooks/ses`, {
      method: 'POST',
      headers: webhook.headers,
      body: tampered,
    });
    expect(response.status).toBe(401);
    const status = (await (await fetch(`${service.url}/messages/${failedOver!.id}`)).json()) as Record<
      string,
      any
    >;
    expect(status.recipients['eve@example.org']).toBeUndefined();
    expect(status.history.map((entry: { type: string }) => entry.type)).not.toContain('bounced');
  });

  it('answers 404 for a webhook of a provider it does not have, and for an unknown message', async () => {
    expect((await post(`${service.url}/webhooks/sparkpost`, '{}')).status).toBe(404);
    const unknown = await fetch(`${service.url}/messages/no-such-id`);
    expect(unknown.status).toBe(404);
  });

  it('answers 400 naming the field for a bad message, and for a body that is not JSON', async () => {
    const { status, body } = await post(`${service.url}/send`, { ...message('ada@'), subject: 'Hi' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_message');
    expect(body.issues).toContainEqual(expect.objectContaining({ path: 'to' }));

    const notJson = await post(`${service.url}/send`, '{"from": ');
    expect(notJson.status).toBe(400);
  });

  it('answers 502 with the code and every attempt when no provider can send', async () => {
    const { sandbox } = sandboxOf(service);
    for (const provider of ['sendgrid', 'ses', 'mailgun', 'postmark'] as const) {
      sandbox.faults.set(provider, { kind: 'account_suspended' });
    }
    try {
      const { status, body } = await post(`${service.url}/send`, message('lin@example.org'));
      answers.push(JSON.stringify(body));
      expect(status).toBe(502);
      expect(['account_suspended', 'auth_failed']).toContain(body.error);
      const attempts = body.attempts as { provider: string; code: string }[];
      expect(attempts.map((attempt) => attempt.provider)).toEqual(
        expect.arrayContaining(['ses', 'mailgun', 'postmark']),
      );
      expect(attempts.every((attempt) => attempt.code !== 'ok')).toBe(true);
    } finally {
      sandbox.faults.clear();
    }
  });

  it('never puts a provider credential or webhook key in an answer or a log line', () => {
    const { sandbox } = sandboxOf(service);
    const keys = sandbox.webhooks.keys;
    const secrets = [
      sandbox.credentials.sendgrid.apiKey,
      sandbox.credentials.ses.secretAccessKey,
      sandbox.credentials.mailgun.apiKey,
      sandbox.credentials.postmark.serverToken,
      keys.mailgun.signingKey,
      keys.postmark.password,
      keys.postmark.header.value,
    ];
    const text = [...answers, ...logs.map((record) => JSON.stringify(record))].join('\n');
    expect(logs.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Nor message bodies: the logs carry ids and outcomes, not content.
    expect(logs.map((record) => JSON.stringify(record)).join('\n')).not.toContain('Thanks for your order.');
  });
});

describe('express service: graceful shutdown', () => {
  it('lets a send under way finish before it stops, and refuses new ones meanwhile', async () => {
    const logs: LogRecord[] = [];
    const service = await startService({
      env: { PORT: '0', MAILOVER_TIMEOUT_MS: '300' },
      logger: (record) => logs.push(record),
    });
    const { sandbox } = sandboxOf(service);
    // SendGrid's first answer never comes: the send times out, backs off and retries. The shutdown
    // starts right when that timeout is reported, so the send is certainly still under way.
    sandbox.faults.next('sendgrid', { kind: 'hang' });
    let stopping: Promise<void> | undefined;
    const shutdownStarted = new Promise<void>((resolve) => {
      service.mailer.on('attempt', (attempt) => {
        if (attempt.code !== 'timeout' || stopping) return;
        stopping = service.shutdown();
        resolve();
      });
    });
    const sending = post(`${service.url}/send`, message('ada@example.org'));
    await shutdownStarted;
    const late = await fetch(`${service.url}/send`, { method: 'POST' }).then(
      (response) => response.status,
      () => 'refused',
    );
    const { status, body } = await sending;
    await stopping;

    expect(late === 'refused' || late === 503).toBe(true);
    expect(status).toBe(200);
    expect(body.attempts.map((attempt: { code: string }) => attempt.code)).toEqual(['timeout', 'ok']);
    // The mailer and sandbox closed only after the send had finished.
    const events = logs.map((record) => record.event);
    expect(events.indexOf('shutdown')).toBeLessThan(events.indexOf('sent'));
    expect(events.indexOf('sent')).toBeLessThan(events.indexOf('stopped'));
  });
});
