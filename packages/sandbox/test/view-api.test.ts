import { request as httpRequest } from 'node:http';
import { ConfigurationError } from '@mailover/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { MESSAGE_CSP, PAGE_CSP } from '../src/view/routes.js';

let sandbox: Sandbox;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

beforeAll(async () => {
  sandbox = await startSandbox({ view: { heartbeatMs: 50, maxClients: 2 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

const api = (path: string, init?: RequestInit) => fetch(`${sandbox.url}${path}`, init);
const putFault = (provider: string, body: unknown, contentType = 'application/json') =>
  api(`/_sandbox/faults/${provider}`, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function sendGrid(messageId: string, extra: Record<string, unknown> = {}) {
  return fetch(`${sandbox.endpoints.sendgrid}v3/mail/send`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${sandbox.credentials.sendgrid.apiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      from: { email: 'shop@example.com' },
      personalizations: [{ to: [{ email: 'ada@example.org' }] }],
      subject: 'Receipt',
      headers: { 'Message-ID': messageId },
      content: [
        { type: 'text/plain', value: 'plain' },
        {
          type: 'text/html',
          value: '<p>Hi</p><img src="cid:logo"><img src="https://tracker.example/t.png">',
        },
      ],
      attachments: [
        {
          content: PNG.toString('base64'),
          filename: 'logo.png',
          type: 'image/png',
          disposition: 'inline',
          content_id: 'logo',
        },
        { content: Buffer.from('a,b').toString('base64'), filename: 'rapport "été".csv', type: 'text/csv' },
      ],
      ...extra,
    }),
  });
}

function withHost(path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the web view: page, messages, HTML, attachments', () => {
  it('serves the page at the base URL under a strict policy, and only to loopback host names', async () => {
    const page = await api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self';");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/_sandbox/assets/view.js">');
    expect(html).not.toMatch(/<script>|\son[a-z]+=/); // no inline script or handlers
    expect((await api('/_sandbox/assets/view.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await api('/_sandbox/assets/nope.js')).status).toBe(404);
    // DNS rebinding: a page at evil.example resolving to 127.0.0.1 gets nothing.
    expect(await withHost('/_sandbox/inbox', 'evil.example')).toBe(403);
    expect(await withHost('/_sandbox/inbox', `localhost:${new URL(sandbox.url).port}`)).toBe(200);
  });

  it('lists messages, shows one, renders its HTML locked down, and downloads attachments', async () => {
    expect((await sendGrid('<r1@shop.example>')).status).toBe(202);
    const inbox = (await (await api('/_sandbox/inbox')).json()) as Record<string, unknown>[];
    expect(inbox).toEqual([
      expect.objectContaining({
        provider: 'sendgrid',
        subject: 'Receipt',
        to: ['ada@example.org'],
        status: 'accepted',
        messageId: '<r1@shop.example>',
        attachments: 2,
      }),
    ]);
    const id = inbox[0]!.id as number;
    const detail = (await (await api(`/_sandbox/messages/${id}`)).json()) as Record<string, any>;
    expect(detail.text).toBe('plain');
    expect(detail.hasHtml).toBe(true);
    expect(detail.request).toEqual({
      method: 'POST',
      path: '/v3/mail/send',
      status: 202,
      outcome: 'answered',
    });
    expect(detail.attachments[1]).toEqual({
      index: 1,
      filename: 'rapport "été".csv',
      contentType: 'text/csv',
      size: 3,
    });
    expect(detail.copies).toEqual([{ id, provider: 'sendgrid' }]);

    const html = await api(`/_sandbox/messages/${id}/html`);
    expect(html.headers.get('content-security-policy')).toBe(MESSAGE_CSP);
    expect(MESSAGE_CSP).toMatch(/^sandbox; default-src 'none'; img-src data:;/);
    const body = await html.text();
    expect(body).toContain(`<img src="data:image/png;base64,${PNG.toString('base64')}">`);
    expect(body).toContain('https://tracker.example/t.png'); // left as is; the policy blocks it

    const file = await api(`/_sandbox/messages/${id}/attachments/1`);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="rapport __t__.csv"; filename*=UTF-8''rapport%20%22%C3%A9t%C3%A9%22.csv`,
    );
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('a,b');
    expect((await api(`/_sandbox/messages/${id}/attachments/7`)).status).toBe(404);
    expect((await api('/_sandbox/messages/999/html')).status).toBe(404);
  });

  it('correlates faulted calls with the accepted copy by Message-ID in the timeline', async () => {
    sandbox.faults.next('sendgrid', { kind: 'rate_limited', retryAfterSeconds: 3 });
    expect((await sendGrid('<r2@shop.example>')).status).toBe(429);
    expect((await sendGrid('<r2@shop.example>')).status).toBe(202);
    expect((await sendGrid('<other@shop.example>')).status).toBe(202);
    const [first] = (await (await api('/_sandbox/inbox')).json()) as { id: number }[];
    const timeline = (await (await api(`/_sandbox/messages/${first!.id}/timeline`)).json()) as {
      messageId: string;
      entries: { kind: string; title: string }[];
    };
    expect(timeline.messageId).toBe('<r2@shop.example>');
    expect(timeline.entries.map((entry) => entry.kind)).toEqual(['call', 'wait', 'call', 'accepted']);
    expect(timeline.entries[0]!.title).toBe('POST /v3/mail/send → 429 rate limited (Retry-After: 3 s)');
  });

  it('keeps at most view.maxEvents events, and refuses limits that are not whole numbers', async () => {
    const small = await startSandbox({ view: { maxEvents: 3 } });
    try {
      for (let index = 0; index < 10; index++) small.faults.set('ses', { kind: 'outage' });
      expect(small.journal.all().map((event) => event.seq)).toEqual([8, 9, 10]);
    } finally {
      await small.close();
    }
    for (const bad of [0, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      await expect(startSandbox({ view: { maxClients: bad } })).rejects.toSatisfy(
        (error: unknown) => ConfigurationError.isInstance(error) && /view\.maxClients/.test(String(error)),
      );
    }
  });
});

describe('the fault control API over HTTP', () => {
  it('sets, queues and clears faults, and the provider answers accordingly', async () => {
    const set = await putFault('sendgrid', { kind: 'rate_limited', rate: 1, retryAfterSeconds: 4 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({
      standing: { kind: 'rate_limited', rate: 1, retryAfterSeconds: 4 },
      queued: [],
    });
    const limited = await sendGrid('<f1@shop.example>');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');

    const queued = await api('/_sandbox/faults/ses/next', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'outage' }),
    });
    expect(await queued.json()).toEqual({ queued: [{ kind: 'outage' }] });
    const providers = (await (await api('/_sandbox/providers')).json()) as Record<string, unknown>[];
    expect(providers.find((provider) => provider.kind === 'sendgrid')).toMatchObject({
      requests: 1,
      standing: { kind: 'rate_limited' },
    });

    expect((await api('/_sandbox/faults/sendgrid', { method: 'DELETE' })).status).toBe(200);
    expect((await sendGrid('<f2@shop.example>')).status).toBe(202);
    expect((await api('/_sandbox/faults', { method: 'DELETE' })).status).toBe(204);
    expect(await (await api('/_sandbox/faults')).json()).toMatchObject({ ses: { queued: [] } });
  });

  it('refuses bad input with an answer naming the field', async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ['sendgrid', { kind: 'meltdown' }, 'kind', /kind must be one of outage, server_error/],
      ['sendgrid', { kind: 'outage', rate: 1.5 }, 'rate', /rate must be a number from 0 to 1/],
      ['sendgrid', { kind: 'outage', rate: '0.5' }, 'rate', /got "0.5"/],
      [
        'sendgrid',
        { kind: 'outage', retryAfterSeconds: 2 },
        'retryAfterSeconds',
        /only applies to kind "rate_limited"/,
      ],
      [
        'sendgrid',
        { kind: 'rate_limited', retryAfterSeconds: -1 },
        'retryAfterSeconds',
        /whole number of seconds/,
      ],
      ['sendgrid', { kind: 'outage', colour: 'red' }, 'colour', /unknown field "colour"/],
      ['sendgrid', '{not json', 'body', /not JSON/],
      ['sendgrid', [1], 'body', /JSON object/],
      ['sparkpost', { kind: 'outage' }, 'provider', /no provider "sparkpost"; use one of sendgrid, ses/],
    ];
    for (const [provider, body, field, message] of cases) {
      const answer = await putFault(provider, body);
      expect([400, 404]).toContain(answer.status);
      const error = (await answer.json()) as { error: string; field: string };
      expect(error.field).toBe(field);
      expect(error.error).toMatch(message);
    }
    // A cross-site form can only send text/plain: refused, and nothing changes.
    expect((await putFault('sendgrid', { kind: 'outage' }, 'text/plain')).status).toBe(415);
    expect((await api('/_sandbox/faults/sendgrid', { method: 'GET' })).status).toBe(405);
    expect(sandbox.faults.describe('sendgrid')).toEqual({ queued: [] });
  });
});

describe('the event stream', () => {
  it('streams journal events with heartbeats, and turns away clients over the cap', async () => {
    const first = new AbortController();
    const second = new AbortController();
    try {
      const stream = await api('/_sandbox/events', { signal: first.signal });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await api('/_sandbox/events', { signal: second.signal });
      const refused = await api('/_sandbox/events');
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: string }).error).toMatch(/at most 2 event-stream clients/);

      const reader = stream.body!.getReader();
      let text = '';
      await putFault('mailgun', { kind: 'hang' });
      while (!(text.includes('event: faults') && text.includes(': heartbeat'))) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
      expect(text).toMatch(/id: \d+\nevent: faults\ndata: \{"type":"faults","provider":"mailgun"/);
      expect(text).toContain(': heartbeat\n\n');
    } finally {
      first.abort();
      second.abort();
    }
  });
});
