/**
 * The suppression list: what it keeps (normalized addresses, scopes, expiry), what it learns from
 * attributed webhook events (real reply texts), and the check before every provider call.
 * docs/suppression.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifySmtpReply,
  createMailer,
  type DeliveryEvent,
  type Mailer,
  memoryStore,
  SendError,
  suppressionReasonFor,
} from '../src/index.js';
import {
  type MockStep,
  type MockWebhookEvent,
  mockProvider,
  mockWebhooks,
  VirtualClock,
  mockWebhookRequest,
} from '../src/testing/index.js';

const DAY = 24 * 3600 * 1000;

/** POST mock webhook events to the mailer, authenticated as the mock provider expects. */
function postEvents(mailer: Mailer, provider: string, events: MockWebhookEvent[]) {
  return mailer.webhooks.handle(provider, mockWebhookRequest(events));
}

function setup(script?: MockStep[], options: { softBounceMs?: number } = {}) {
  const clock = new VirtualClock({ start: Date.UTC(2026, 0, 1), random: () => 0.5 });
  const first = mockProvider({
    id: 'first',
    clock,
    webhooks: mockWebhooks({ provider: 'first' }),
    ...(script ? { script } : {}),
  });
  const second = mockProvider({ id: 'second', clock, webhooks: mockWebhooks({ provider: 'second' }) });
  const store = memoryStore({ clock });
  const mailer = createMailer({
    providers: [first, second],
    clock,
    store,
    breaker: false,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
    suppression: options,
  });
  const post = async (provider: string, events: MockWebhookEvent[]) =>
    (await (await postEvents(mailer, provider, events)).json()) as { stored: number; unmatched: number };
  return { clock, first, second, store, mailer, post };
}

const mail = (to: string | string[]) => ({ from: 'app@example.com', to, subject: 'Hello', text: 'Hi' });

// Real replies (Gmail, Outlook, Spamhaus-listed senders, postgrey).
const REPLIES = {
  noSuchUser:
    "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser",
  disabled:
    '550-5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser',
  outlookUnknown: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
  overQuota: '552 5.2.2 The email account that you tried to reach is over quota.',
  spamhaus: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
  outlookBlock:
    "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
  unauthenticated:
    '550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.',
  dmarc: '554 5.7.5 Permanent error evaluating DMARC policy',
  content: '552 5.7.0 This message was blocked because its content presents a potential security issue.',
  spam: '550 5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.',
  greylisted:
    '450 4.2.0 <u@example.edu>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.edu.html',
  rate: '421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.',
};

describe('the list', () => {
  it('keeps one entry per address however it is spelt, IDN included', async () => {
    const { mailer } = setup();
    await mailer.suppressions.add({ address: 'Ada@Bücher.example', reason: 'hard_bounce' });
    expect(await mailer.suppressions.has('ada@xn--bcher-kva.example')).toMatchObject({
      address: 'ada@xn--bcher-kva.example',
      reason: 'hard_bounce',
      scope: '*',
    });
    expect(await mailer.suppressions.has('ADA@XN--BCHER-KVA.EXAMPLE')).toBeDefined();
    await mailer.suppressions.add({ address: 'ada@BÜCHER.example', reason: 'complaint' });
    const page = await mailer.suppressions.list();
    expect(page.entries.map((entry) => [entry.address, entry.reason])).toEqual([
      ['ada@xn--bcher-kva.example', 'complaint'],
    ]);
    expect(await mailer.suppressions.remove('ada@bücher.example')).toBe(true);
    expect(await mailer.suppressions.has('ada@xn--bcher-kva.example')).toBeUndefined();
    expect((await mailer.suppressions.list()).entries).toEqual([]);
  });

  it('refuses a bad address or scope by name', async () => {
    const { mailer } = setup();
    await expect(mailer.suppressions.add({ address: 'not an address' })).rejects.toThrow(
      /address .*not an address/,
    );
    await expect(mailer.suppressions.add({ address: 'a@example.com', scope: 'a b' })).rejects.toThrow(
      /scope "a b" is not a scope/,
    );
    await expect(
      mailer.suppressions.add({ address: 'a@example.com', reason: 'bored' as never }),
    ).rejects.toThrow(/reason "bored"/);
    await expect(mailer.suppressions.list({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(mailer.suppressions.list({ cursor: 'x' })).rejects.toThrow(/cursor/);
  });

  it('pages through an import of 2 500 addresses, once each, removals and re-adds included', async () => {
    const { mailer } = setup();
    const lines = ['address,reason'];
    for (let index = 0; index < 2_500; index++) lines.push(`user${index}@example.com,hard_bounce`);
    lines.push('broken,hard_bounce');
    const report = await mailer.suppressions.import(lines.join('\n'), 'csv');
    expect(report.added).toBe(2_500);
    expect(report.refused).toEqual([
      { line: 2_502, problem: expect.stringMatching(/address "broken" is not an email address/) },
    ]);
    await mailer.suppressions.remove('user5@example.com');
    await mailer.suppressions.remove('user6@example.com');
    await mailer.suppressions.add({ address: 'user6@example.com', reason: 'manual' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mailer.suppressions.list({ limit: 700, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((entry) => entry.address));
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen.length).toBe(2_499);
    expect(new Set(seen).size).toBe(2_499);
    expect(seen).not.toContain('user5@example.com');
    expect(seen.at(-1)).toBe('user6@example.com');
  });

  it('exports and imports as CSV and JSON without loss', async () => {
    const { mailer, clock } = setup();
    await mailer.suppressions.add({
      address: 'a@example.com',
      reason: 'complaint',
      provider: 'sendgrid',
      event: 'ev,1',
    });
    await mailer.suppressions.add({ address: 'b@example.com', reason: 'unsubscribe', scope: 'marketing' });
    await mailer.suppressions.add({ address: 'c@example.com', reason: 'soft_bounce' });
    for (const format of ['csv', 'json'] as const) {
      const exported = await mailer.suppressions.export(format);
      const other = setup();
      const report = await other.mailer.suppressions.import(exported, format);
      expect(report).toEqual({ added: 3, refused: [] });
      expect((await other.mailer.suppressions.list()).entries).toEqual(
        (await mailer.suppressions.list()).entries,
      );
    }
    expect(await mailer.suppressions.export('csv')).toContain(
      `a@example.com,complaint,*,${new Date(clock.now()).toISOString()},,sendgrid,"ev,1"`,
    );
  });
});

describe('scopes and expiry', () => {
  it('an unsubscribe from one stream stops that stream only; a password reset still goes', async () => {
    const { mailer, first } = setup();
    await mailer.suppressions.add({ address: 'ada@example.com', reason: 'unsubscribe', scope: 'marketing' });
    await expect(mailer.send(mail('ada@example.com'), { stream: 'marketing' })).rejects.toMatchObject({
      code: 'recipient_suppressed',
    });
    expect(first.calls).toHaveLength(0);
    const reset = await mailer.send(mail('ada@example.com'), { stream: 'transactional' });
    expect(reset.suppressed).toBeUndefined();
    expect(first.calls).toHaveLength(1);
  });

  it('a soft bounce suppresses until it expires (virtual clock)', async () => {
    const { mailer, clock, first } = setup(undefined, { softBounceMs: 2 * DAY });
    await mailer.suppressions.add({ address: 'full@example.com', reason: 'soft_bounce' });
    await expect(mailer.send(mail('full@example.com'))).rejects.toMatchObject({
      code: 'recipient_suppressed',
    });
    await clock.advance(2 * DAY - 1);
    await expect(mailer.send(mail('full@example.com'))).rejects.toMatchObject({
      code: 'recipient_suppressed',
    });
    await clock.advance(1);
    expect(await mailer.suppressions.has('full@example.com')).toBeUndefined();
    await mailer.send(mail('full@example.com'));
    expect(first.calls).toHaveLength(1);
  });
});

describe('the check before every provider call', () => {
  it('leaves suppressed recipients out of the call and reports them', async () => {
    const { mailer, first, clock } = setup();
    await mailer.suppressions.add({ address: 'gone@example.com', reason: 'hard_bounce' });
    const result = await mailer.send({
      ...mail(['ada@example.com', 'gone@example.com']),
      bcc: 'bob@example.com',
    });
    expect(first.calls[0]!.context.recipients).toEqual(['ada@example.com', 'bob@example.com']);
    expect(result.suppressed).toEqual([
      { address: 'gone@example.com', reason: 'hard_bounce', since: clock.now(), scope: '*' },
    ]);
    // The one left out is not a recipient of the message as recorded.
    expect(Object.keys((await mailer.status(result.id))?.recipients ?? {})).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
  });

  it('ends with recipient_suppressed and no call when nobody is left', async () => {
    const { mailer, first, second } = setup();
    await mailer.suppressions.add({ address: 'gone@example.com', reason: 'complaint' });
    const error = (await mailer.send(mail('Gone@Example.com')).catch((caught) => caught)) as SendError;
    expect(SendError.isInstance(error)).toBe(true);
    expect(error.code).toBe('recipient_suppressed');
    expect(error.attempts).toEqual([]);
    expect(error.suppressed).toMatchObject([{ address: 'Gone@example.com', reason: 'complaint' }]);
    expect(first.calls.length + second.calls.length).toBe(0);
  });

  it('checks again before a retry and before a failover', async () => {
    // The retry's call takes 5 ms; 'later' is learned 2 ms into it, before the failover's check.
    const { mailer, first, second, clock } = setup([
      { fail: 'provider_unavailable' },
      { fail: 'provider_unavailable', delayMs: 5 },
    ]);
    const stop = mailer.on('attempt', (event) => {
      // Learned between the calls (another instance, a webhook): the next call leaves it out.
      if (event.attempt !== 1) return;
      void mailer.suppressions.add({ address: 'late@example.com', reason: 'hard_bounce' });
      void clock
        .sleep(2)
        .then(() => mailer.suppressions.add({ address: 'later@example.com', reason: 'hard_bounce' }));
    });
    const result = await mailer.send(mail(['ada@example.com', 'late@example.com', 'later@example.com']));
    stop();
    expect(first.calls.map((call) => call.context.recipients)).toEqual([
      undefined,
      ['ada@example.com', 'later@example.com'],
    ]);
    expect(second.calls.map((call) => call.context.recipients)).toEqual([['ada@example.com']]);
    expect(result.suppressed?.map((entry) => entry.address)).toEqual([
      'late@example.com',
      'later@example.com',
    ]);
  });

  it('checks before the greylisting re-send too: an address suppressed meanwhile is not re-sent', async () => {
    const clock = new VirtualClock({ auto: false, random: () => 0.5 });
    const esp = mockProvider({
      id: 'esp',
      ip: 'rotating',
      clock,
      webhooks: mockWebhooks({ provider: 'esp' }),
    });
    const relay = mockProvider({
      id: 'relay',
      ip: 'fixed',
      clock,
      webhooks: mockWebhooks({ provider: 'relay' }),
    });
    const mailer = createMailer({ providers: [esp, relay], clock });
    const failed: string[] = [];
    mailer.on('failed', (event) => failed.push(event.code));
    const sent = await mailer.send(mail('ada@example.edu'));
    const deferral = (attempt: number, ip: string): MockWebhookEvent => ({
      type: 'deferred',
      recipient: 'ada@example.edu',
      mailoverId: sent.id,
      time: clock.now(),
      smtp: REPLIES.greylisted,
      attempt,
      sendingIp: ip,
    });
    const post = (events: MockWebhookEvent[]) => postEvents(mailer, 'esp', events);
    await post([deferral(1, '127.1.0.5')]);
    // Learned elsewhere (another provider's complaint, an import) while the loop builds up.
    await mailer.suppressions.add({ address: 'ada@example.edu', reason: 'complaint' });
    await clock.advance(10 * 60_000);
    await post([deferral(2, '127.1.0.9')]);
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
    expect(failed).toEqual(['recipient_suppressed']);
    await mailer.close();
  });

  it('the override sends anyway', async () => {
    const { mailer, first } = setup();
    await mailer.suppressions.add({ address: 'gone@example.com', reason: 'hard_bounce' });
    const result = await mailer.send(mail('gone@example.com'), { ignoreSuppressions: true });
    expect(result.suppressed).toBeUndefined();
    expect(first.calls).toHaveLength(1);
  });

  it('suppression: false turns the check off', async () => {
    const clock = new VirtualClock();
    const only = mockProvider({ clock });
    const mailer = createMailer({ providers: [only], clock, suppression: false });
    await mailer.suppressions.add({ address: 'gone@example.com', reason: 'hard_bounce' });
    await mailer.send(mail('gone@example.com'));
    expect(only.calls).toHaveLength(1);
  });
});

describe('learning from attributed events', () => {
  async function bounceOf(reply: string, type: MockWebhookEvent['type'] = 'bounced') {
    const { mailer, post } = setup();
    const sent = await mailer.send(mail('ada@example.com'));
    const counts = await post('first', [
      { type, recipient: 'ada@example.com', mailoverId: sent.id, smtp: reply },
    ]);
    expect(counts.stored).toBe(1);
    return mailer.suppressions.has('ada@example.com');
  }

  it.each([
    ['no such user (Gmail)', REPLIES.noSuchUser],
    ['mailbox disabled (Gmail)', REPLIES.disabled],
    ['recipient not found (Outlook)', REPLIES.outlookUnknown],
  ])('a bounce for %s suppresses as a hard bounce', async (_name, reply) => {
    expect(await bounceOf(reply)).toMatchObject({ reason: 'hard_bounce', provider: 'first', scope: '*' });
  });

  it('a bounce for a full mailbox suppresses for a while (soft bounce)', async () => {
    expect(await bounceOf(REPLIES.overQuota)).toMatchObject({
      reason: 'soft_bounce',
      expiresAt: expect.any(Number),
    });
  });

  it.each([
    ['blocklisted (Spamhaus)', REPLIES.spamhaus],
    ['blocklisted (Outlook)', REPLIES.outlookBlock],
    ['unauthenticated sender', REPLIES.unauthenticated],
    ['DMARC', REPLIES.dmarc],
    ['content', REPLIES.content],
    ['spam content', REPLIES.spam],
  ])('a bounce about the sender (%s) never suppresses the recipient', async (_name, reply) => {
    expect(await bounceOf(reply)).toBeUndefined();
  });

  it.each([
    ['greylisting', REPLIES.greylisted],
    ['rate', REPLIES.rate],
    ['even a reply naming an unknown user', REPLIES.noSuchUser],
  ])('a deferral (%s) never suppresses', async (_name, reply) => {
    expect(await bounceOf(reply, 'deferred')).toBeUndefined();
  });

  it('a complaint suppresses everywhere; an unsubscribe only in the stream the message was sent in', async () => {
    const { mailer, post } = setup();
    const news = await mailer.send(mail(['ada@example.com', 'bob@example.com']), { stream: 'marketing' });
    await post('first', [
      { type: 'complained', recipient: 'ada@example.com', mailoverId: news.id },
      { type: 'unsubscribed', recipient: 'bob@example.com', mailoverId: news.id },
    ]);
    expect(await mailer.suppressions.has('ada@example.com')).toMatchObject({
      reason: 'complaint',
      scope: '*',
    });
    expect(await mailer.suppressions.has('bob@example.com')).toBeUndefined();
    expect(await mailer.suppressions.has('bob@example.com', 'marketing')).toMatchObject({
      reason: 'unsubscribe',
      scope: 'marketing',
    });
  });

  it('an event not attributed to a stored message changes nothing', async () => {
    const { mailer, post } = setup();
    const sent = await mailer.send(mail('ada@example.com'));
    // Another recipient, another provider, an unknown message: each is unattributed.
    const counts = await post('first', [
      { type: 'complained', recipient: 'victim@example.com', mailoverId: sent.id },
      { type: 'complained', recipient: 'ada@example.com', mailoverId: 'no-such-message' },
    ]);
    await post('second', [
      { type: 'bounced', recipient: 'ada@example.com', mailoverId: sent.id, smtp: REPLIES.noSuchUser },
    ]);
    expect(counts.unmatched).toBe(2);
    expect((await mailer.suppressions.list()).entries).toEqual([]);
  });

  it('a learned soft bounce never shortens a hard bounce', async () => {
    const { mailer, post } = setup();
    const sent = await mailer.send(mail('ada@example.com'));
    await post('first', [
      {
        type: 'bounced',
        recipient: 'ada@example.com',
        mailoverId: sent.id,
        smtp: REPLIES.noSuchUser,
        eventId: 'a',
      },
    ]);
    await post('first', [
      {
        type: 'bounced',
        recipient: 'ada@example.com',
        mailoverId: sent.id,
        smtp: REPLIES.overQuota,
        eventId: 'b',
      },
    ]);
    expect(await mailer.suppressions.has('ada@example.com')).toMatchObject({ reason: 'hard_bounce' });
    expect((await mailer.suppressions.list()).entries).toHaveLength(1);
  });

  it('property: a deferral, or a bounce whose reply is about the sender, never suppresses', () => {
    const senderSide = new Set(['blocklisted', 'policy_reputation', 'content_rejected', 'auth_required']);
    const codes = fc.constantFrom('421', '450', '451', '452', '550', '551', '552', '553', '554', '');
    const enhanced = fc.constantFrom(
      '4.2.0',
      '4.7.0',
      '4.7.28',
      '5.7.1',
      '5.7.26',
      '5.7.5',
      '5.7.0',
      '5.1.1',
      '5.2.1',
      '',
    );
    const words = fc.constantFrom(
      'blocked using zen.spamhaus.org',
      'listed on our block list',
      'sender is unauthenticated',
      'DMARC policy',
      'message content rejected',
      'likely unsolicited mail',
      'Greylisted',
      'try again later',
      'user unknown',
      'mailbox unavailable',
      'rate limited',
    );
    const reply = fc
      .tuple(codes, enhanced, fc.array(words, { minLength: 1, maxLength: 3 }))
      .map(([code, status, parts]) => [code, status, ...parts].filter(Boolean).join(' '));
    fc.assert(
      fc.property(reply, fc.constantFrom('deferred', 'bounced'), (text, type) => {
        const classification = classifySmtpReply(text);
        const event: DeliveryEvent = {
          type: type as 'deferred' | 'bounced',
          provider: 'first',
          recipient: 'ada@example.com',
          time: 0,
          eventId: 'e',
          raw: null,
          smtp: { text, classification },
        };
        const reason = suppressionReasonFor(event);
        if (type === 'deferred' || senderSide.has(classification.category)) expect(reason).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
