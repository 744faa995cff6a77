import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';

let sandbox: Sandbox;
let sendUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  sendUrl = `${sandbox.endpoints.sendgrid}v3/mail/send`;
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);

function validBody(): Record<string, unknown> {
  return {
    from: { email: 'sender@example.com', name: 'Sender' },
    personalizations: [
      {
        to: [{ email: 'ada@example.org', name: 'Ada' }],
        cc: [{ email: 'cc@example.org' }],
        bcc: [{ email: 'bcc@example.org' }],
        custom_args: { tenant: 't1' },
      },
    ],
    reply_to: { email: 'reply@example.com', name: 'Replies' },
    subject: 'Hello',
    content: [
      { type: 'text/plain', value: 'plain body' },
      { type: 'text/html', value: '<p>html body</p>' },
    ],
    attachments: [
      {
        content: PNG.toString('base64'),
        filename: 'logo.png',
        type: 'image/png',
        disposition: 'inline',
        content_id: 'logo',
      },
    ],
    headers: { 'Message-ID': '<m1@example.test>', 'X-Trace': 'abc' },
    categories: ['welcome'],
    custom_args: { mailover_id: 'mo_1' },
    ip_pool_name: 'fixed-pool',
  };
}

async function post(body: unknown, key = sandbox.credentials.sendgrid.apiKey): Promise<Response> {
  return fetch(sendUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('sendgrid simulator: accepting mail', () => {
  it('answers 202 with an empty body and an X-Message-Id, and records every field', async () => {
    const response = await post(validBody());
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const messageId = response.headers.get('x-message-id');
    expect(messageId).toMatch(/^\w{10,}$/);

    expect(sandbox.messages).toHaveLength(1);
    const accepted = sandbox.messages[0]!;
    expect(accepted).toMatchObject({
      provider: 'sendgrid',
      providerMessageId: messageId,
      from: { address: 'sender@example.com', name: 'Sender' },
      to: [{ address: 'ada@example.org', name: 'Ada' }],
      cc: [{ address: 'cc@example.org' }],
      bcc: [{ address: 'bcc@example.org' }],
      replyTo: [{ address: 'reply@example.com', name: 'Replies' }],
      subject: 'Hello',
      text: 'plain body',
      html: '<p>html body</p>',
      messageId: '<m1@example.test>',
      headers: { 'Message-ID': '<m1@example.test>', 'X-Trace': 'abc' },
      tags: ['welcome'],
      metadata: { mailover_id: 'mo_1', tenant: 't1' },
      ipPool: 'fixed-pool',
    });
    expect(accepted.attachments).toHaveLength(1);
    expect(accepted.attachments[0]).toMatchObject({
      filename: 'logo.png',
      contentType: 'image/png',
      cid: 'logo',
    });
    expect(accepted.attachments[0]!.content.equals(PNG)).toBe(true);
  });

  it('serves only POST /v3/mail/send', async () => {
    const response = await fetch(`${sandbox.endpoints.sendgrid}v3/mail/batch`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      errors: [{ field: null, message: 'resource not found', help: null }],
    });
  });
});

describe('sendgrid simulator: credentials', () => {
  it('answers a wrong key with 401 and SendGrid’s own body', async () => {
    const response = await post(validBody(), 'SG.wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [
        {
          field: null,
          message: 'The provided authorization grant is invalid, expired, or revoked',
          help: null,
        },
      ],
    });
    expect(sandbox.messages).toHaveLength(0);
  });

  it('answers a missing Authorization header with 401', async () => {
    const response = await fetch(sendUrl, { method: 'POST', body: JSON.stringify(validBody()) });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toBe('authorization required');
  });
});

describe('sendgrid simulator: validation', () => {
  it('refuses a body that is not JSON with 400 Bad Request', async () => {
    const response = await post('{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ field: null, message: 'Bad Request', help: null }] });
  });

  it.each([
    [
      'from',
      (body: Record<string, unknown>) => delete body.from,
      'from.email',
      /from object must be provided/,
    ],
    [
      'personalizations',
      (body: Record<string, unknown>) => delete body.personalizations,
      'personalizations',
      /personalizations field is required/,
    ],
    [
      'to',
      (body: Record<string, unknown>) => {
        body.personalizations = [{ cc: [{ email: 'cc@example.org' }] }];
      },
      'personalizations.0.to',
      /to array is required/,
    ],
    ['subject', (body: Record<string, unknown>) => delete body.subject, 'subject', /subject is required/],
    [
      'content',
      (body: Record<string, unknown>) => delete body.content,
      'content',
      /content parameter is required/,
    ],
  ])('refuses a message without %s with 400 naming the field', async (_name, mutate, field, text) => {
    const body = validBody();
    mutate(body);
    const response = await post(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { errors: { field: string; message: string; help: string }[] };
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]!.field).toBe(field);
    expect(answer.errors[0]!.message).toMatch(text);
    expect(answer.errors[0]!.help).toMatch(/^http:\/\/sendgrid\.com\/docs\//);
    expect(sandbox.messages).toHaveLength(0);
  });
});

describe('sendgrid simulator: faults', () => {
  it('outage: 503 with an HTML page', async () => {
    sandbox.faults.next('sendgrid', { kind: 'outage' });
    const response = await post(validBody());
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('503');
    expect(sandbox.messages).toHaveLength(0);
  });

  it('server_error: 500 with a SendGrid error body', async () => {
    sandbox.faults.next('sendgrid', { kind: 'server_error' });
    const response = await post(validBody());
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errors: [{ field: null, message: 'internal error', help: null }],
    });
  });

  it('rate_limited: 429 with Retry-After and X-RateLimit-* headers', async () => {
    sandbox.faults.next('sendgrid', { kind: 'rate_limited', retryAfterSeconds: 7 }, { kind: 'rate_limited' });
    const first = await post(validBody());
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.headers.get('x-ratelimit-limit')).toBe('600');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 5);
    expect(await first.json()).toEqual({
      errors: [{ field: null, message: 'too many requests', help: null }],
    });
    const second = await post(validBody());
    expect(second.headers.get('retry-after')).toBe('1');
  });

  it('malformed: 200 with HTML and no X-Message-Id', async () => {
    sandbox.faults.next('sendgrid', { kind: 'malformed' });
    const response = await post(validBody());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-message-id')).toBeNull();
    expect(await response.text()).toMatch(/^<html>/);
  });

  it('quota_exhausted: 401 "Maximum credits exceeded"', async () => {
    sandbox.faults.next('sendgrid', { kind: 'quota_exhausted' });
    const response = await post(validBody());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [{ field: null, message: 'Maximum credits exceeded', help: null }],
    });
  });

  it('account_suspended: 403 telling to contact support', async () => {
    sandbox.faults.next('sendgrid', { kind: 'account_suspended' });
    const response = await post(validBody());
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/contact Support/);
  });

  it('message_too_large: 413 nginx page, also for a body over the sandbox limit', async () => {
    sandbox.faults.next('sendgrid', { kind: 'message_too_large' });
    const response = await post(validBody());
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('413 Request Entity Too Large');

    const small = await startSandbox({ maxBodyBytes: 64 });
    try {
      const tooBig = await fetch(`${small.endpoints.sendgrid}v3/mail/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${small.credentials.sendgrid.apiKey}` },
        body: JSON.stringify(validBody()),
      });
      expect(tooBig.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('answers normally again once the queued fault is used', async () => {
    sandbox.faults.next('sendgrid', { kind: 'server_error' });
    expect((await post(validBody())).status).toBe(500);
    expect((await post(validBody())).status).toBe(202);
    expect(sandbox.requests.sendgrid).toBe(2);
  });
});
