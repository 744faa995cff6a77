import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { parseAddressList } from '../src/providers/mailgun-form.js';

let sandbox: Sandbox;
let domain: string;
let authorization: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  domain = sandbox.credentials.mailgun.domain;
  authorization = `Basic ${Buffer.from(`api:${sandbox.credentials.mailgun.apiKey}`).toString('base64')}`;
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

function validForm(): FormData {
  const form = new FormData();
  form.append('from', 'Ada Lovelace <ada@example.test>');
  form.append('to', 'bob@example.org, "Smith, Carol" <carol@example.org>');
  form.append('subject', 'Hello');
  form.append('text', 'plain body');
  return form;
}

function post(form: FormData, options: { auth?: string; to?: string } = {}): Promise<Response> {
  return fetch(`${sandbox.endpoints.mailgun}/v3/${options.to ?? domain}/messages`, {
    method: 'POST',
    headers: { authorization: options.auth ?? authorization },
    body: form,
  });
}

describe('mailgun simulator: auth and routing', () => {
  it('answers a wrong key with 401 and the plain-text body Forbidden', async () => {
    const wrong = `Basic ${Buffer.from('api:key-wrong').toString('base64')}`;
    const response = await post(validForm(), { auth: wrong });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('Forbidden');
    expect(sandbox.messages).toHaveLength(0);
  });

  it('answers a missing Authorization header with 401', async () => {
    const response = await fetch(`${sandbox.endpoints.mailgun}/v3/${domain}/messages`, {
      method: 'POST',
      body: validForm(),
    });
    expect(response.status).toBe(401);
  });

  it('answers an unknown domain with 404 Domain not found', async () => {
    const response = await post(validForm(), { to: 'other.example' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Domain not found: other.example' });
  });

  it('keeps a path prefix and answers its root like the real API', async () => {
    const response = await fetch(`${sandbox.endpoints.mailgun}/`);
    expect(await response.text()).toBe('Mailgun Magnificent API');
  });
});

describe('mailgun simulator: sending', () => {
  it('accepts a multipart send with 200 {id, message} and records every field', async () => {
    const form = validForm();
    form.append('cc', 'dan@example.org');
    form.append('bcc', 'eve@example.org');
    form.append('html', '<p>html</p>');
    form.append('h:Reply-To', 'Replies <replies@example.test>');
    form.append('h:X-Trace', 'trace-1');
    form.append('o:tag', 'welcome');
    form.append('o:tag', 'onboarding');
    form.append('v:mailover_id', 'msg_1');
    form.append('o:sending-ip-pool', 'pool-fixed');
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    form.append('attachment', new Blob([bytes], { type: 'application/octet-stream' }), 'data.bin');
    form.append('inline', new Blob([Buffer.from('png')], { type: 'image/png' }), 'logo');

    const response = await post(form);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; message: string };
    expect(body.message).toBe('Queued. Thank you.');
    expect(body.id).toMatch(/^<\d{14}\.[0-9a-f]+@mg\.sandbox\.test>$/);

    const [accepted] = sandbox.messages;
    expect(accepted).toMatchObject({
      provider: 'mailgun',
      providerMessageId: body.id,
      from: { address: 'ada@example.test', name: 'Ada Lovelace' },
      to: [{ address: 'bob@example.org' }, { address: 'carol@example.org', name: 'Smith, Carol' }],
      cc: [{ address: 'dan@example.org' }],
      bcc: [{ address: 'eve@example.org' }],
      replyTo: [{ address: 'replies@example.test', name: 'Replies' }],
      subject: 'Hello',
      text: 'plain body',
      html: '<p>html</p>',
      headers: { 'X-Trace': 'trace-1' },
      tags: ['welcome', 'onboarding'],
      metadata: { mailover_id: 'msg_1' },
      ipPool: 'pool-fixed',
    });
    expect(accepted!.attachments).toHaveLength(2);
    expect(accepted!.attachments[0]!.content.equals(bytes)).toBe(true);
    expect(accepted!.attachments[1]).toMatchObject({
      filename: 'logo',
      cid: 'logo',
      contentType: 'image/png',
    });
  });

  it('answers with the Message-Id the sender set, in angle brackets', async () => {
    const form = validForm();
    form.append('h:Message-Id', '<abc.123@example.test>');
    const body = (await (await post(form)).json()) as { id: string };
    expect(body.id).toBe('<abc.123@example.test>');
    expect(sandbox.messages[0]!.messageId).toBe('<abc.123@example.test>');
  });

  it('takes o:sending-ip as the pool when no o:sending-ip-pool is given', async () => {
    const form = validForm();
    form.append('o:sending-ip', '192.0.2.10');
    await post(form);
    expect(sandbox.messages[0]!.ipPool).toBe('192.0.2.10');
  });

  it.each([
    ['from', 'from parameter is missing'],
    ['to', 'to parameter is missing'],
    ['text', "Need at least one of 'text' or 'html' parameters specified"],
  ])('refuses a request without %s with 400 and Mailgun’s message', async (field, message) => {
    const form = validForm();
    form.delete(field);
    const response = await post(form);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message });
    expect(sandbox.messages).toHaveLength(0);
  });
});

describe('mailgun simulator: faults', () => {
  it('rate_limited: 429 with Retry-After and a "try again after" date in the body', async () => {
    sandbox.faults.next('mailgun', { kind: 'rate_limited', retryAfterSeconds: 7 });
    const response = await post(validForm());
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(
      /^Domain mg\.sandbox\.test is not allowed to send: request limit exceeded, try again after /,
    );
    const after = Date.parse(message.split('try again after ')[1]!.replace('UTC', 'GMT'));
    expect(after).toBeGreaterThan(Date.now());
  });

  it('rate_limited defaults Retry-After to 1', async () => {
    sandbox.faults.next('mailgun', { kind: 'rate_limited' });
    const response = await post(validForm());
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it.each([
    ['outage', 503, /503 Service Unavailable/],
    ['server_error', 500, /Internal Server Error/],
    ['quota_exhausted', 402, /not allowed to send: monthly message limit exceeded/],
    ['account_suspended', 403, /not allowed to send: Account disabled/],
    ['message_too_large', 413, /request size exceeds 52\.4MiB limit/],
  ] as const)('%s answers %i with Mailgun’s body', async (kind, status, body) => {
    sandbox.faults.next('mailgun', { kind });
    const response = await post(validForm());
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(body);
    expect(sandbox.messages).toHaveLength(0);
  });

  it('malformed: 200 with a body that is not JSON', async () => {
    sandbox.faults.next('mailgun', { kind: 'malformed' });
    const response = await post(validForm());
    expect(response.status).toBe(200);
    await expect(response.clone().json()).rejects.toThrow();
    expect(sandbox.messages).toHaveLength(0);
  });
});

describe('parseAddressList', () => {
  it('keeps commas inside quoted names and unescapes them', () => {
    expect(parseAddressList('"O\\"Neil, P" <p@x.test>, q@y.test ,')).toEqual([
      { address: 'p@x.test', name: 'O"Neil, P' },
      { address: 'q@y.test' },
    ]);
  });
});
