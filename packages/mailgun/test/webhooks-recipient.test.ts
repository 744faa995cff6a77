/** Mailgun `rejected` events name no `recipient`: parsed anyway, never dropped (issue 17). */
import { readFileSync } from 'node:fs';
import type { WebhookRequest } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { parseMailgunWebhook } from '../src/index.js';

function request(body: Uint8Array | string): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.test/mailgun',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

const rejected = JSON.parse(readFileSync(new URL('./fixtures/rejected.json', import.meta.url), 'utf8')) as {
  signature: unknown;
  'event-data': Record<string, unknown> & { message: { headers: Record<string, unknown> } };
};

function withEvent(change: (event: (typeof rejected)['event-data']) => void): WebhookRequest {
  const copy = structuredClone(rejected);
  change(copy['event-data']);
  return request(JSON.stringify(copy));
}

describe('mailgun: rejected events without a recipient', () => {
  it("takes the recipient from the To: header of Mailgun's own sample", () => {
    const events = parseMailgunWebhook(
      request(readFileSync(new URL('./fixtures/rejected.json', import.meta.url))),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'dropped',
      recipient: 'joan@example.org',
      providerMessageId:
        '<20180622220256.1.B31A451A2E5422BB@sandbox55887fac92de874df5ae0023b75fd62f1d.mailgun.org>',
      eventId: 'OMTXD3-sSmKIQa1gSKkYVA',
    });
  });

  it('gives one event per addressee of a To: header with names and several addresses', () => {
    const events = parseMailgunWebhook(
      withEvent((event) => {
        event.message.headers.to = '"Doe, Joan" <joan@example.org>, bob@example.net, Ann <ann@example.com>';
      }),
    );
    expect(events.map((event) => event.recipient)).toEqual([
      'joan@example.org',
      'bob@example.net',
      'ann@example.com',
    ]);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(3);
  });

  it('prefers message.recipients when Mailgun lists them', () => {
    const events = parseMailgunWebhook(
      withEvent((event) => {
        (event.message as Record<string, unknown>).recipients = ['team@example.org'];
      }),
    );
    expect(events.map((event) => event.recipient)).toEqual(['team@example.org']);
  });

  it('keeps the event, with its Message-Id and no recipient, when nothing names one', () => {
    const events = parseMailgunWebhook(
      withEvent((event) => {
        delete event.message.headers.to;
      }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'dropped', recipient: '' });
    expect(events[0]!.providerMessageId).toMatch(/^<.+>$/);
  });
});
