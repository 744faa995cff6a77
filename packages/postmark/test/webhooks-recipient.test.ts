/** Postmark bounce records without `Email`: parsed anyway, never dropped (issue 17). */
import { readFileSync } from 'node:fs';
import type { WebhookRequest } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { postmark } from '../src/index.js';

function parse(name: string) {
  const provider = postmark({ id: 'postmark-main', webhookAuth: [{ username: 'u', password: 'p' }] });
  const request: WebhookRequest = {
    method: 'POST',
    url: 'https://app.example.com/webhooks/postmark',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: readFileSync(new URL(`./fixtures/${name}`, import.meta.url)),
  };
  return provider.webhooks!.parse(request);
}

describe('postmark: bounce records without Email', () => {
  it('reads the recipient from the bounce dump when Email is empty', () => {
    const [event] = parse('bounce-dns-no-email.json');
    expect(event).toMatchObject({
      type: 'bounced',
      recipient: 'john@example.com',
      providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
    });
    expect(event!.smtp?.classification).toMatchObject({ category: 'dns', transient: true });
  });

  it('keeps the event, with its MessageID and no recipient, when nothing names one', () => {
    const events = parse('bounce-unsubscribe-no-email.json');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'unsubscribed',
      recipient: '',
      providerMessageId: '883953f4-6105-42a2-a16a-77a8eac79483',
    });
    expect(events[0]!.eventId).toMatch(/^postmark:Bounce:\d+$/);
  });

  it('still takes Email first when a record has it', () => {
    expect(parse('bounce-hard.json')[0]!.recipient).toBe('john@example.com');
  });
});
