import { createHash, createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind, type Sandbox, startSandbox } from '../src/index.js';

// Raw HTTP against the SES stand-in, signed here with a small SigV4 signer (the adapter's own tests
// go through the official SDK).

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
});

const validBody = {
  FromEmailAddress: '"Ada, Sender" <sender@example.test>',
  Destination: {
    ToAddresses: ['=?UTF-8?B?Wm/DqyBSZWNpcGllbnQ=?= <rcpt@example.org>'],
    CcAddresses: ['copy@example.org'],
    BccAddresses: ['hidden@example.org'],
  },
  ReplyToAddresses: ['replies@example.test'],
  Content: {
    Simple: {
      Subject: { Data: 'Hello', Charset: 'UTF-8' },
      Body: { Text: { Data: 'plain' }, Html: { Data: '<p>html</p>' } },
      Headers: [
        { Name: 'X-Campaign', Value: 'spring' },
        { Name: 'Message-ID', Value: '<m1@example.test>' },
      ],
      Attachments: [
        {
          FileName: 'logo.png',
          RawContent: Buffer.from([0, 1, 254, 255]).toString('base64'),
          ContentType: 'image/png',
          ContentDisposition: 'INLINE',
          ContentId: 'logo@mailover',
        },
      ],
    },
  },
  EmailTags: [
    { Name: 'mailover_id', Value: 'mo-1' },
    { Name: 'tenant', Value: 'acme_20corp' },
    { Name: 'mailover_tag_0', Value: 'welcome' },
  ],
  ConfigurationSetName: 'cs-fixed-ip',
};

interface SignOptions {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly region?: string;
}

/** POST a SendEmail body, SigV4-signed over exactly the bytes sent unless `tamper` changes them after. */
async function sendEmail(body: unknown, sign: SignOptions | null = {}, tamper?: (raw: string) => string) {
  const credentials = sandbox.credentials.ses;
  const url = new URL(`${sandbox.endpoints.ses}/v2/email/outbound-emails`);
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign) {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const region = sign.region ?? credentials.region;
    const payloadHash = createHash('sha256').update(payload).digest('hex');
    const signed: Record<string, string> = {
      'content-type': 'application/json',
      host: url.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
    };
    const names = Object.keys(signed).sort();
    const canonical = [
      'POST',
      url.pathname,
      '',
      ...names.map((name) => `${name}:${signed[name]}`),
      '',
      names.join(';'),
      payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/ses/aws4_request`;
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      amzDate,
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    let key: Buffer = Buffer.from(`AWS4${sign.secretAccessKey ?? credentials.secretAccessKey}`);
    for (const part of [date, region, 'ses', 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    Object.assign(headers, signed, {
      authorization: `AWS4-HMAC-SHA256 Credential=${sign.accessKeyId ?? credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    });
    delete headers.host;
  }
  const response = await fetch(url, { method: 'POST', headers, body: tamper ? tamper(payload) : payload });
  const text = await response.text();
  return { response, text, json: safeJson(text) };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('ses simulator: authentication', () => {
  it('refuses a request without a signature', async () => {
    const { response, json } = await sendEmail(validBody, null);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
    expect(json.message).toBe('Missing Authentication Token');
  });

  it('refuses an unknown access key id with UnrecognizedClientException', async () => {
    const { response, json } = await sendEmail(validBody, { accessKeyId: 'AKIAUNKNOWN000000000' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^UnrecognizedClientException:/);
    expect(json.message).toBe('The security token included in the request is invalid.');
  });

  it('refuses a signature made with the wrong secret', async () => {
    const { response } = await sendEmail(validBody, { secretAccessKey: 'not-the-secret' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^SignatureDoesNotMatch/);
  });

  it('refuses a body changed after signing', async () => {
    const { response } = await sendEmail(validBody, {}, (raw) => raw.replace('Hello', 'Hellp'));
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^SignatureDoesNotMatch/);
    expect(sandbox.messages).toHaveLength(0);
  });

  it('refuses a signature scoped to another region', async () => {
    const { response } = await sendEmail(validBody, { region: 'eu-west-1' });
    expect(response.status).toBe(403);
    expect(sandbox.messages).toHaveLength(0);
  });
});

describe('ses simulator: SendEmail', () => {
  it('answers 200 {"MessageId"} and records every field', async () => {
    const { response, json } = await sendEmail(validBody);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(json)).toEqual(['MessageId']);
    expect(json.MessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);
    const [message] = sandbox.messages;
    expect(message).toMatchObject({
      provider: 'ses',
      providerMessageId: json.MessageId,
      from: { address: 'sender@example.test', name: 'Ada, Sender' },
      to: [{ address: 'rcpt@example.org', name: 'Zoë Recipient' }],
      cc: [{ address: 'copy@example.org' }],
      bcc: [{ address: 'hidden@example.org' }],
      replyTo: [{ address: 'replies@example.test' }],
      subject: 'Hello',
      text: 'plain',
      html: '<p>html</p>',
      headers: { 'X-Campaign': 'spring', 'Message-ID': '<m1@example.test>' },
      messageId: '<m1@example.test>',
      tags: ['welcome'],
      metadata: { mailover_id: 'mo-1', tenant: 'acme corp' },
      ipPool: 'cs-fixed-ip',
    });
    expect(message?.attachments).toEqual([
      {
        filename: 'logo.png',
        contentType: 'image/png',
        content: Buffer.from([0, 1, 254, 255]),
        cid: 'logo@mailover',
      },
    ]);
  });

  it('answers BadRequestException for a message without a sender, recipients or body', async () => {
    const cases = [
      { ...validBody, FromEmailAddress: undefined },
      { ...validBody, Destination: {} },
      { ...validBody, Content: { Simple: { Subject: { Data: 's' }, Body: {} } } },
    ];
    for (const body of cases) {
      const { response, json } = await sendEmail(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
      expect(json.message).toMatch(/Missing required field/);
    }
    expect(sandbox.messages).toHaveLength(0);
  });

  it('refuses tag values outside SES alphabet', async () => {
    const { response, json } = await sendEmail({
      ...validBody,
      EmailTags: [{ Name: 'tenant', Value: 'acme corp' }],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(json.message).toMatch(/Invalid tag value/);
  });

  it('refuses more than 50 recipients', async () => {
    const many = Array.from({ length: 51 }, (_, index) => `r${index}@example.org`);
    const { response } = await sendEmail({ ...validBody, Destination: { ToAddresses: many } });
    expect(response.status).toBe(400);
  });

  it('reads back the top-level headers and body of a Raw message', async () => {
    const mime = [
      'From: Ada <sender@example.test>',
      'To: rcpt@example.org',
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?=',
      'Message-ID: <raw1@example.test>',
      '',
      'raw body',
    ].join('\r\n');
    const { response } = await sendEmail({
      FromEmailAddress: 'sender@example.test',
      Destination: { ToAddresses: ['rcpt@example.org'] },
      Content: { Raw: { Data: Buffer.from(mime).toString('base64') } },
    });
    expect(response.status).toBe(200);
    expect(sandbox.messages[0]).toMatchObject({
      subject: 'Grüße',
      text: 'raw body',
      messageId: '<raw1@example.test>',
    });
  });

  it('answers 404 for another path', async () => {
    const response = await fetch(`${sandbox.endpoints.ses}/v2/email/identities`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
  });
});

describe('ses simulator: faults', () => {
  const expectations: Array<[FaultKind, number, string, RegExp]> = [
    ['outage', 503, 'ServiceUnavailable', /Service Unavailable/],
    ['server_error', 500, 'InternalServiceErrorException', /Internal/],
    ['rate_limited', 429, 'TooManyRequestsException', /Maximum sending rate exceeded/],
    ['quota_exhausted', 400, 'LimitExceededException', /Daily message quota exceeded/],
    ['account_suspended', 400, 'AccountSuspendedException', /permanently restricted/],
    ['message_too_large', 400, 'MessageRejected', /Message length is more than 41943040 bytes/],
  ];
  for (const [kind, status, type, text] of expectations) {
    it(`${kind} → ${status} ${type}`, async () => {
      sandbox.faults.next('ses', { kind });
      const { response, json } = await sendEmail(validBody);
      expect(response.status).toBe(status);
      expect(response.headers.get('x-amzn-errortype')?.split(':')[0]).toBe(type);
      expect(json.message).toMatch(text);
      expect(sandbox.messages).toHaveLength(0);
    });
  }

  it('rate_limited carries Retry-After (default 1 s, or as scripted)', async () => {
    sandbox.faults.next('ses', { kind: 'rate_limited' }, { kind: 'rate_limited', retryAfterSeconds: 7 });
    expect((await sendEmail(validBody)).response.headers.get('retry-after')).toBe('1');
    expect((await sendEmail(validBody)).response.headers.get('retry-after')).toBe('7');
  });

  it('malformed → 200 with a body that is not JSON', async () => {
    sandbox.faults.next('ses', { kind: 'malformed' });
    const { response, text, json } = await sendEmail(validBody);
    expect(response.status).toBe(200);
    expect(text.length).toBeGreaterThan(0);
    expect(json).toBeUndefined();
  });
});
