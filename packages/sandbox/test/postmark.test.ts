import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import type { FaultKind } from '../src/types.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const message = {
  From: 'Ada Lovelace <ada@example.com>',
  To: '"Doe, Jane" <jane@example.org>, bob@example.org',
  Subject: 'Hello',
  TextBody: 'plain',
};

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sandbox.endpoints.postmark}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-postmark-server-token': sandbox.credentials.postmark.serverToken,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('postmark simulator: authentication', () => {
  it('answers a wrong server token with 401 and ErrorCode 10, accepting nothing', async () => {
    const response = await post('/email', message, { 'x-postmark-server-token': 'wrong-token' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      ErrorCode: 10,
      Message: 'Request does not contain a valid Server token.',
    });
    expect(sandbox.messages).toHaveLength(0);
  });

  it('answers a missing token with 401 and ErrorCode 10 naming the header', async () => {
    const response = await fetch(`${sandbox.endpoints.postmark}/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { ErrorCode: number; Message: string };
    expect(body.ErrorCode).toBe(10);
    expect(body.Message).toContain('X-Postmark-Server-Token');
  });
});

describe('postmark simulator: sending', () => {
  it('accepts a message with the real success body and records every field', async () => {
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    const response = await post('/email', {
      ...message,
      Cc: 'carol@example.org',
      Bcc: 'Dave <dave@example.org>',
      ReplyTo: 'replies@example.com',
      HtmlBody: '<p>html</p>',
      Headers: [
        { Name: 'Message-ID', Value: '<abc@example.test>' },
        { Name: 'X-Trace', Value: 't-1' },
      ],
      Attachments: [
        { Name: 'a.pdf', Content: pdf.toString('base64'), ContentType: 'application/pdf' },
        {
          Name: 'logo.png',
          Content: 'iVBORw0=',
          ContentType: 'image/png',
          ContentID: 'cid:logo@example.test',
        },
      ],
      Tag: 'welcome',
      Metadata: { mailover_id: 'm-1', plan: 'pro' },
      MessageStream: 'outbound',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ To: message.To, ErrorCode: 0, Message: 'OK' });
    expect(body.MessageID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(String(body.SubmittedAt)))).toBe(false);

    const [accepted] = sandbox.messages;
    expect(accepted).toMatchObject({
      provider: 'postmark',
      providerMessageId: body.MessageID,
      from: { address: 'ada@example.com', name: 'Ada Lovelace' },
      to: [{ address: 'jane@example.org', name: 'Doe, Jane' }, { address: 'bob@example.org' }],
      cc: [{ address: 'carol@example.org' }],
      bcc: [{ address: 'dave@example.org', name: 'Dave' }],
      replyTo: [{ address: 'replies@example.com' }],
      subject: 'Hello',
      text: 'plain',
      html: '<p>html</p>',
      headers: { 'Message-ID': '<abc@example.test>', 'X-Trace': 't-1' },
      messageId: '<abc@example.test>',
      tags: ['welcome'],
      metadata: { mailover_id: 'm-1', plan: 'pro' },
      ipPool: 'outbound',
    });
    expect(accepted?.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(accepted?.attachments[1]).toMatchObject({ filename: 'logo.png', cid: 'logo@example.test' });
  });

  it.each([
    [{ ...message, From: undefined }, "Invalid 'From' value."],
    [{ ...message, To: undefined }, 'Zero recipients specified'],
    [{ ...message, TextBody: undefined }, 'Provide either email TextBody or HtmlBody or both.'],
    [{ ...message, To: 'not-an-address' }, "Invalid 'To' address: 'not-an-address'."],
  ])('refuses an invalid message with 422 and ErrorCode 300 (%#)', async (body, text) => {
    const response = await post('/email', body);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ ErrorCode: 300, Message: text });
    expect(sandbox.messages).toHaveLength(0);
  });

  it('refuses more than 50 recipients with ErrorCode 300', async () => {
    const to = Array.from({ length: 51 }, (_, index) => `r${index}@example.org`).join(', ');
    const response = await post('/email', { ...message, To: to });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { ErrorCode: number }).ErrorCode).toBe(300);
  });

  it('refuses a forbidden attachment type with ErrorCode 411', async () => {
    const response = await post('/email', {
      ...message,
      Attachments: [{ Name: 'setup.exe', Content: 'AA==', ContentType: 'application/octet-stream' }],
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { ErrorCode: number }).ErrorCode).toBe(411);
  });

  it('refuses an inactive recipient with ErrorCode 406 naming the address', async () => {
    const response = await post('/email', { ...message, To: 'gone@inactive.postmark.test' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { ErrorCode: number; Message: string };
    expect(body.ErrorCode).toBe(406);
    expect(body.Message).toContain('Found inactive addresses: gone@inactive.postmark.test.');
  });

  it('answers a non-JSON body with 422 and ErrorCode 402', async () => {
    const response = await post('/email', '{not json');
    expect(response.status).toBe(422);
    expect(((await response.json()) as { ErrorCode: number }).ErrorCode).toBe(402);
  });

  it('answers a wrong content type with 415', async () => {
    const response = await post('/email', 'From=a', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
  });

  it('answers a batch with one result per message, errors included', async () => {
    const response = await post('/email/batch', [message, { ...message, TextBody: undefined }]);
    expect(response.status).toBe(200);
    const results = (await response.json()) as Array<Record<string, unknown>>;
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ ErrorCode: 0, Message: 'OK' });
    expect(results[1]).toEqual({
      ErrorCode: 300,
      Message: 'Provide either email TextBody or HtmlBody or both.',
    });
    expect(sandbox.messages).toHaveLength(1);
  });
});

describe('postmark simulator: faults', () => {
  const cases: Array<[FaultKind, number, (body: string) => void]> = [
    ['outage', 503, (body) => expect(body).toContain('Service Unavailable')],
    ['server_error', 500, (body) => expect(body).toContain('Internal Server Error')],
    ['rate_limited', 429, (body) => expect(JSON.parse(body)).toMatchObject({ ErrorCode: 429 })],
    ['quota_exhausted', 422, (body) => expect(JSON.parse(body)).toMatchObject({ ErrorCode: 405 })],
    ['account_suspended', 422, (body) => expect(JSON.parse(body)).toMatchObject({ ErrorCode: 413 })],
    ['message_too_large', 413, (body) => expect(body).toContain('Too Large')],
    ['malformed', 200, (body) => expect(() => JSON.parse(body)).toThrow()],
  ];

  it.each(cases)('renders %s as HTTP %i and accepts nothing', async (kind, status, check) => {
    sandbox.faults.next('postmark', { kind });
    const response = await post('/email', message);
    expect(response.status).toBe(status);
    check(await response.text());
    expect(sandbox.messages).toHaveLength(0);
  });

  it('sends Retry-After with a rate limit, defaulting to 1 second', async () => {
    sandbox.faults.next('postmark', { kind: 'rate_limited', retryAfterSeconds: 7 }, { kind: 'rate_limited' });
    expect((await post('/email', message)).headers.get('retry-after')).toBe('7');
    expect((await post('/email', message)).headers.get('retry-after')).toBe('1');
  });

  it('refuses a body over 10 MB with 413 before parsing it', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024 + 1);
    const response = await post('/email', { ...message, TextBody: big });
    expect(response.status).toBe(413);
    expect(sandbox.messages).toHaveLength(0);
  });
});
