import { Writable } from 'node:stream';
import { createMailer } from '@mailover/core';
import { mockProvider, mockWebhooks, VirtualClock } from '@mailover/core/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logEvents } from '../src/index.js';

/** A real pino logger writing JSON lines into an array. */
function capture(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level, base: null, timestamp: false }, stream), lines };
}

function setup() {
  const clock = new VirtualClock();
  const primary = mockProvider({
    id: 'primary',
    clock,
    script: [{ fail: 'auth_failed', message: 'primary: the API key was refused' }],
  });
  const backup = mockProvider({ id: 'backup', clock, webhooks: mockWebhooks({ provider: 'backup' }) });
  return { mailer: createMailer({ providers: [primary, backup], clock }), clock };
}

const message = { from: 'shop@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

describe('logEvents with pino', () => {
  it('logs each event once, with the name, secret-free fields and recipient domains only', async () => {
    const { mailer } = setup();
    const { logger, lines } = capture();
    logEvents(mailer, logger);
    const sent = await mailer.send(message);
    await mailer.webhooks.handle(
      'backup',
      new Request('http://localhost/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-secret': 'mock-secret' },
        body: JSON.stringify([
          {
            type: 'bounced',
            recipient: 'ada@example.org',
            mailoverId: sent.id,
            smtp: '550 5.1.1 <ada@example.org>: user unknown',
            time: 1,
          },
        ]),
      }),
    );
    expect(lines.map((line) => [line.level, line.event, line.msg])).toEqual([
      [20, 'sending', `sending ${sent.id} via primary > backup`],
      [40, 'attempt', 'primary failed: auth_failed'],
      [40, 'circuit-open', 'primary circuit open (auth_failed)'],
      [40, 'failover', 'failover primary → backup (auth_failed)'],
      [20, 'attempt', 'backup accepted'],
      [30, 'sent', `sent ${sent.id} via backup`],
      [40, 'delivery', 'bounced (backup)'],
      [20, 'webhook', 'webhook from backup: 200 (verified)'],
    ]);
    expect(lines[0]).toMatchObject({ recipientDomains: ['example.org'], strategy: 'priority' });
    expect(lines[6]).toEqual({
      level: 40,
      event: 'delivery',
      msg: 'bounced (backup)',
      id: sent.id,
      provider: 'backup',
      type: 'bounced',
      time: '1970-01-01T00:00:00.001Z',
      recipientDomain: 'example.org',
      smtpCategory: 'recipient_unknown',
      smtpCode: 550,
      smtpEnhanced: '5.1.1',
    });
    // The provider's raw payload and the SMTP text (both hold the address) never reach the log.
    expect(JSON.stringify(lines)).not.toContain('ada@');
  });

  it('logs full addresses when asked, and only the events asked for', async () => {
    const { mailer } = setup();
    const { logger, lines } = capture();
    const stop = logEvents(mailer, logger, { recordAddresses: true, events: ['sending', 'failed'] });
    await mailer.send(message);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'sending', recipients: ['ada@example.org'] });
    stop();
    await mailer.send(message);
    expect(lines).toHaveLength(1);
  });
});
