import { describe, expect, it } from 'vitest';
import { createMailer, type ProviderSendResult, type ProviderV1 } from '../src/index.js';

/** A provider that accepts and reports the refusals it is given, as an SMTP relay's adapter does. */
function refusingProvider(rejected: unknown): ProviderV1 {
  return {
    specificationVersion: 'v1',
    id: 'relay',
    kind: 'smtp',
    ip: 'fixed',
    limits: {},
    async send() {
      return { providerMessageId: 'p-1', rejected } as ProviderSendResult;
    },
    classifyError: () => ({ code: 'unknown', outcome: 'unknown', message: 'unexpected' }),
  };
}

const input = {
  from: 'app@example.test',
  to: ['ada@example.edu', 'bob@example.org'],
  subject: 's',
  text: 't',
};

describe('recipients refused at send time', () => {
  it('keeps only refusals of recipients the call went to, once each, on one line', async () => {
    const mailer = createMailer({
      providers: [
        refusingProvider([
          { recipient: 'BOB@example.org', reply: '550 5.1.1 user unknown\r\nX-Injected: yes' },
          { recipient: 'bob@example.org', reply: '250 2.1.5 ok after all' },
          { recipient: 'mallory@evil.example', reply: '550 5.1.1 not ours' },
          { recipient: 42, reply: '550' },
          null,
        ]),
      ],
    });
    const result = await mailer.send(input);
    expect(result.rejected).toEqual([
      {
        address: 'bob@example.org',
        reply: '550 5.1.1 user unknown X-Injected: yes',
        category: 'recipient_unknown',
        transient: false,
      },
    ]);
    const status = await mailer.status(result.id);
    if (status?.state !== 'sent') throw new Error('expected a sent message');
    expect(Object.keys(status.recipients)).toEqual(['ada@example.edu', 'bob@example.org']);
    expect(status.recipients['bob@example.org']?.state).toBe('bounced');
  });

  it('ignores a report that is not a list, and cuts a long reply to 300 characters', async () => {
    expect(
      (await createMailer({ providers: [refusingProvider('bob@example.org')] }).send(input)).rejected,
    ).toBeUndefined();
    const long = `451 4.3.0 ${'x'.repeat(1000)}`;
    const result = await createMailer({
      providers: [refusingProvider([{ recipient: 'ada@example.edu', reply: long }])],
    }).send(input);
    expect(result.rejected?.[0]).toMatchObject({ address: 'ada@example.edu', transient: true });
    expect(result.rejected?.[0]?.reply).toHaveLength(300);
  });

  it('emits each refusal as a delivery event from the accepting provider', async () => {
    const mailer = createMailer({
      providers: [refusingProvider([{ recipient: 'ada@example.edu', reply: '452 4.2.2 mailbox full' }])],
    });
    const events: { type: string; recipient: string; provider: string }[] = [];
    mailer.on('delivery', (event) => events.push(event));
    await mailer.send(input);
    expect(events).toMatchObject([{ type: 'dropped', recipient: 'ada@example.edu', provider: 'relay' }]);
  });
});
