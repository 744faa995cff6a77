import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../src/view/journal.js';
import { sniffMessageId } from '../src/view/message-id-sniff.js';
import { buildTimeline } from '../src/view/timeline.js';

const MID = '<m1@shop.example>';
let seq = 0;
const at = <T extends Omit<JournalEvent, 'seq'>>(event: T) => ({ ...event, seq: ++seq }) as JournalEvent;
const call = (time: number, provider: 'sendgrid' | 'ses' | 'mailgun', status: number, extra = {}) =>
  at({
    type: 'call',
    time,
    provider,
    method: 'POST',
    path: '/send',
    messageId: MID,
    outcome: 'answered',
    status,
    durationMs: 5,
    ...extra,
  });
const greylisted = (time: number, attempt: number, ip: string) =>
  at({
    type: 'webhook',
    time,
    provider: 'ses',
    event: 'deferred',
    recipient: 'eve@uni.example',
    id: 1,
    providerMessageId: 'ses-1',
    messageId: MID,
    url: 'http://127.0.0.1:9/webhooks/ses',
    status: 200,
    tries: 1,
    smtpReply: '450 4.2.0 <eve@uni.example>: Recipient address rejected: Greylisted',
    attempt,
    sendingIp: ip,
  });

describe('buildTimeline', () => {
  it('tells retries with their waits, the failover, the acceptance and the Retry-After asked', () => {
    const timeline = buildTimeline(
      [
        call(1_000, 'sendgrid', 503, { fault: 'outage' }),
        call(1_105, 'sendgrid', 429, { fault: 'rate_limited', retryAfterSeconds: 2 }),
        call(3_200, 'ses', 200, { acceptedId: 1 }),
        at({
          type: 'accepted',
          time: 3_203,
          provider: 'ses',
          id: 1,
          providerMessageId: 'ses-1',
          messageId: MID,
          subject: 'Hi',
          recipients: ['ada@example.org'],
        }),
      ],
      MID,
    );
    expect(timeline.providers).toEqual(['sendgrid', 'ses']);
    expect(timeline.entries.map((entry) => [entry.kind, entry.offsetMs, entry.title])).toEqual([
      ['call', 0, 'POST /send → 503 outage'],
      ['wait', 5, 'waited 100 ms'],
      ['call', 105, 'POST /send → 429 rate limited (Retry-After: 2 s)'],
      ['wait', 110, 'waited 2.1 s'],
      ['failover', 2_200, 'failover sendgrid → ses'],
      ['call', 2_200, 'POST /send → 200'],
      ['accepted', 2_203, 'ses accepted a copy'],
    ]);
    expect(timeline.entries[3]!.detail).toBe('the answer asked for Retry-After: 2 s');
    expect(timeline.entries.map((entry) => entry.tone)).toEqual([
      'fault',
      'info',
      'fault',
      'info',
      'warn',
      'ok',
      'ok',
    ]);
  });

  it('puts a call before the copy it made the provider accept, within the same millisecond', () => {
    const accepted = at({
      type: 'accepted',
      time: 5_000,
      provider: 'ses',
      id: 3,
      providerMessageId: 'ses-3',
      messageId: MID,
      subject: 'Hi',
      recipients: ['ada@example.org'],
    });
    // Recorded in this order (the call once answered), timed alike.
    const timeline = buildTimeline([accepted, call(5_000, 'ses', 200, { acceptedId: 3 })]);
    expect(timeline.entries.map((entry) => entry.kind)).toEqual(['call', 'accepted']);
  });

  it('says when the answer was lost after the provider accepted, and when nothing answered', () => {
    const timeline = buildTimeline([
      call(0, 'sendgrid', 0, { outcome: 'hang', status: undefined, fault: 'hang' }),
      call(2_000, 'sendgrid', 0, { outcome: 'accept_then_reset', status: undefined, acceptedId: 4 }),
    ]);
    expect(timeline.entries[0]!.title).toBe('POST /send → no answer (hang)');
    expect(timeline.entries[2]!.title).toBe('POST /send → accepted, then connection reset');
    expect(timeline.entries[2]!.id).toBe(4);
    expect(timeline.entries[2]!.detail).toMatch(/send it twice/);
  });

  it('classifies deferrals, sees the greylisting loop by the rules of docs/greylisting.md, and marks the re-send', () => {
    const timeline = buildTimeline([
      greylisted(10_000, 1, '127.1.7.11'),
      greylisted(20_000, 2, '127.2.14.12'),
      greylisted(30_000, 3, '127.3.21.13'),
      at({
        type: 'accepted',
        time: 31_000,
        provider: 'mailgun',
        id: 2,
        providerMessageId: 'mg-2',
        messageId: MID,
        subject: 'Hi',
        recipients: ['eve@uni.example'],
      }),
      at({
        type: 'webhook',
        time: 32_000,
        provider: 'mailgun',
        event: 'delivered',
        recipient: 'eve@uni.example',
        id: 2,
        providerMessageId: 'mg-2',
        messageId: MID,
        url: 'http://127.0.0.1:9/webhooks/mailgun',
        status: 0,
        tries: 3,
        smtpReply: '250 2.0.0 Ok',
      }),
    ]);
    const kinds = timeline.entries.map((entry) => entry.kind);
    // One loop, after the second deferral from another /24; the third adds none.
    expect(kinds).toEqual(['webhook', 'webhook', 'loop', 'webhook', 'resend', 'webhook']);
    expect(timeline.entries[0]!.title).toBe('deferred eve@uni.example (attempt 1, from 127.1.7.11)');
    expect(timeline.entries[0]!.detail).toMatch(/classified greylisting: /);
    expect(timeline.entries[2]!.detail).toMatch(
      /2 different sending networks \(127\.1\.7\.0\/24, 127\.2\.14\.0\/24\)/,
    );
    expect(timeline.entries[4]!.title).toBe(
      're-sent through mailgun after the greylisting loop (same Message-ID)',
    );
    // The app's endpoint never answered: the webhook entry says so and is a fault.
    expect(timeline.entries[5]!.detail).toMatch(/could not be delivered \(3 tries\)/);
    expect(timeline.entries[5]!.tone).toBe('fault');
  });
});

describe('sniffMessageId', () => {
  it('finds the Message-ID in each provider format', () => {
    const sendgrid = { headers: { 'Message-ID': MID }, subject: 'x' };
    const postmark = { Headers: [{ Name: 'Message-ID', Value: MID }] };
    const mailgun = `--b\r\nContent-Disposition: form-data; name="h:Message-Id"\r\n\r\n${MID}\r\n--b--`;
    const raw = Buffer.from(`From: a@b.example\r\nMessage-ID: ${MID}\r\nSubject: x\r\n\r\nhi`).toString(
      'base64',
    );
    const sesRaw = { Content: { Raw: { Data: raw } } };
    expect(sniffMessageId(Buffer.from(JSON.stringify(sendgrid)))).toBe(MID);
    expect(sniffMessageId(Buffer.from(JSON.stringify(postmark)))).toBe(MID);
    expect(sniffMessageId(Buffer.from(mailgun))).toBe(MID);
    expect(sniffMessageId(Buffer.from(JSON.stringify(sesRaw)))).toBe(MID);
    expect(sniffMessageId(Buffer.from(JSON.stringify({ subject: 'no id here' })))).toBeUndefined();
  });
});
