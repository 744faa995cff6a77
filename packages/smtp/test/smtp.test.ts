import type { NormalizedMessage } from '@mailover/core';
import { createMailer } from '@mailover/core';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtp } from '../src/index.js';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly remoteAddress: string;
  readonly raw: Buffer;
}

/** A real SMTP server on loopback whose RCPT replies a test scripts. */
async function startRelay(
  onRcpt: (address: string, session: SMTPServerSession) => string | undefined = () => undefined,
) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, callback) {
      const reply = onRcpt(address.address, session);
      if (!reply) return callback();
      const error = Object.assign(new Error(reply.replace(/^\d{3} /, '')), {
        responseCode: Number(reply.slice(0, 3)),
      });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((entry) => entry.address),
          remoteAddress: session.remoteAddress,
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const message: NormalizedMessage = {
  id: 'm-1',
  messageId: '<m-1@example.test>',
  from: { address: 'app@example.test', name: 'App' },
  to: [{ address: 'ada@example.edu', name: 'Ada' }],
  cc: [{ address: 'bob@example.org' }],
  bcc: [],
  replyTo: [],
  subject: 'Report',
  text: 'plain',
  html: '<p>html</p>',
  attachments: [
    {
      filename: 'data.bin',
      content: new Uint8Array([0, 1, 2, 253, 254, 255]),
      contentType: 'application/octet-stream',
    },
  ],
  headers: { 'X-Trace': 'abc' },
  tags: ['receipts'],
  metadata: {},
  sizeBytes: 100,
};

describe('smtp()', () => {
  it('delivers over real SMTP from the fixed local address, every field intact', async () => {
    const relay = await startRelay();
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, localAddress: '127.0.0.9', pool: false });
    closers.push(provider.close);
    const result = await provider.send(message, {
      signal: new AbortController().signal,
      attempt: 1,
      idempotencyKey: 'k',
    });
    expect(result.providerMessageId).toBe('<m-1@example.test>');
    expect(relay.received).toHaveLength(1);
    const [arrived] = relay.received;
    expect(arrived?.remoteAddress).toBe('127.0.0.9');
    expect(arrived?.to).toEqual(['ada@example.edu', 'bob@example.org']);
    const parsed = await simpleParser(arrived!.raw);
    expect(parsed.messageId).toBe('<m-1@example.test>');
    expect(parsed.subject).toBe('Report');
    expect(parsed.headers.get('x-trace')).toBe('abc');
    expect(parsed.attachments[0]?.content.equals(Buffer.from([0, 1, 2, 253, 254, 255]))).toBe(true);
  });

  it('a partial re-send goes only to the given recipients (headers unchanged)', async () => {
    const relay = await startRelay();
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false });
    closers.push(provider.close);
    await provider.send(message, {
      signal: new AbortController().signal,
      attempt: 1,
      idempotencyKey: 'k',
      recipients: ['ada@example.edu'],
    });
    expect(relay.received[0]?.to).toEqual(['ada@example.edu']);
    expect((await simpleParser(relay.received[0]!.raw)).cc).toBeDefined();
  });

  it.each([
    ['450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted', 'rate_limited'],
    ['452 4.2.2 Mailbox full', 'provider_unavailable'],
    ['421 4.7.0 Too many connections, slow down', 'rate_limited'],
    ['550 5.1.1 <ada@example.edu>: Recipient address rejected: User unknown', 'invalid_message'],
    ['554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org', 'message_rejected'],
  ])('classifies the relay reply %s as %s', async (reply, code) => {
    const relay = await startRelay(() => reply);
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false, greylistingRetryAfterMs: 4000 });
    closers.push(provider.close);
    const error = await provider
      .send(message, {
        signal: new AbortController().signal,
        attempt: 1,
        idempotencyKey: 'k',
        recipients: ['ada@example.edu'],
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    const failure = provider.classifyError(error);
    expect(failure.code).toBe(code);
    expect(failure.status).toBe(Number(reply.slice(0, 3)));
    if (code === 'rate_limited' && reply.includes('Greylisted')) expect(failure.retryAfterMs).toBe(4000);
  });

  it('connection refused is a network failure, nothing sent', async () => {
    const relay = await startRelay();
    await relay.close();
    const provider = smtp({ port: relay.port, pool: false, timeoutMs: 2000 });
    const error = await provider
      .send(message, { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' })
      .catch((caught: unknown) => caught);
    expect(provider.classifyError(error)).toMatchObject({ code: 'network', outcome: 'not_sent' });
  });

  it('never puts the password in a failure', async () => {
    const relay = await startRelay(() => '535 5.7.8 Authentication credentials invalid');
    closers.push(relay.close);
    const password = 'SECRET-CANARY-smtp-password';
    const provider = smtp({ port: relay.port, pool: false, auth: { user: 'u', pass: password } });
    closers.push(provider.close);
    const error = await provider
      .send(message, { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' })
      .catch((caught: unknown) => caught);
    const failure = provider.classifyError(error);
    expect(JSON.stringify(failure)).not.toContain(password);
    expect(JSON.stringify(failure)).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('a greylisting relay passes the fixed IP on the engine retry', async () => {
    const firstSeen = new Map<string, number>();
    const relay = await startRelay((address, session) => {
      const key = `${session.remoteAddress}/${address}`;
      const first = firstSeen.get(key);
      if (first === undefined) firstSeen.set(key, Date.now());
      if (first === undefined || Date.now() - first < 300)
        return '450 4.2.0 Greylisted, please try again later';
      return undefined;
    });
    closers.push(relay.close);
    const provider = smtp({
      port: relay.port,
      pool: false,
      localAddress: '127.0.0.9',
      greylistingRetryAfterMs: 400,
    });
    closers.push(provider.close);
    const mailer = createMailer({ providers: [provider] });
    const result = await mailer.send({
      from: 'app@example.test',
      to: 'ada@example.edu',
      subject: 's',
      text: 't',
    });
    expect(result.attempts.map((attempt) => attempt.code)).toEqual(['rate_limited', 'ok']);
    expect(relay.received).toHaveLength(1);
  });
  it('reports the recipients a relay refused at RCPT while it took the others, and records each as the relay meant it', async () => {
    const relay = await startRelay((address) => {
      if (address.toLowerCase() === 'bob@example.org')
        return '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown';
      if (address === 'carol@example.net')
        return '452 4.2.2 <carol@example.net>: Mailbox full, try again later';
      return undefined;
    });
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false });
    closers.push(provider.close);
    const mailer = createMailer({ providers: [provider] });
    const result = await mailer.send({
      from: 'app@example.test',
      to: ['ada@example.edu', 'Bob@Example.org'],
      cc: 'carol@example.net',
      subject: 's',
      text: 't',
    });
    // The relay took the message for Ada only; the result says so, in the message's own spelling.
    expect(relay.received.map((entry) => entry.to)).toEqual([['ada@example.edu']]);
    expect(result.rejected).toEqual([
      {
        address: 'Bob@example.org',
        reply: '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown',
        category: 'recipient_unknown',
        transient: false,
      },
      {
        address: 'carol@example.net',
        reply: '452 4.2.2 <carol@example.net>: Mailbox full, try again later',
        category: 'mailbox_full',
        transient: true,
      },
    ]);
    const status = await mailer.status(result.id);
    if (status?.state !== 'sent') throw new Error('expected a sent message');
    expect(status.recipients['ada@example.edu']?.state).toBe('accepted');
    expect(status.recipients['Bob@example.org']?.state).toBe('bounced');
    // Not queued for Carol: nothing will arrive later, so not "deferred".
    expect(status.recipients['carol@example.net']?.state).toBe('dropped');
    expect(status.history.find((line) => line.recipient === 'Bob@example.org')?.smtp?.category).toBe(
      'recipient_unknown',
    );
    // A permanent "user unknown" suppresses like a bounce webhook; a transient refusal never does.
    expect(await mailer.suppressions.has('bob@example.org')).toMatchObject({ reason: 'hard_bounce' });
    expect(await mailer.suppressions.has('carol@example.net')).toBeUndefined();
  });

  it('a relay that takes two recipients a transaction gets the rest in further transactions, in the same send (RFC 5321 §4.5.3.1.10)', async () => {
    const relay = await startRelay((address, session) => {
      if (address === 'bob@example.org')
        return '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown';
      return session.envelope.rcptTo.length >= 2 ? '452 4.5.3 Error: too many recipients' : undefined;
    });
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false });
    closers.push(provider.close);
    const mailer = createMailer({ providers: [provider] });
    const everyone = [
      'a1@example.edu',
      'a2@example.edu',
      'bob@example.org',
      'a3@example.edu',
      'a4@example.edu',
    ];
    const result = await mailer.send({ from: 'app@example.test', to: everyone, subject: 's', text: 't' });
    // Three transactions of at most two: everyone but Bob once, and Bob reported for his own reason.
    expect(relay.received.map((entry) => entry.to)).toEqual([
      ['a1@example.edu', 'a2@example.edu'],
      ['a3@example.edu', 'a4@example.edu'],
    ]);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        address: 'bob@example.org',
        category: 'recipient_unknown',
        transient: false,
      }),
    ]);
    expect(result.attempts).toHaveLength(1);
    const status = await mailer.status(result.id);
    if (status?.state !== 'sent') throw new Error('expected a sent message');
    for (const address of ['a1@example.edu', 'a2@example.edu', 'a3@example.edu', 'a4@example.edu'])
      expect(status.recipients[address]?.state).toBe('accepted');
    // Each copy carries every recipient in its headers, as one message would.
    const copy = await simpleParser(relay.received[1]!.raw);
    expect((copy.to as { value: { address: string }[] }).value.map((entry) => entry.address)).toEqual(
      everyone,
    );
  });

  it('stops when a further transaction takes nobody, and reports the rest as the relay answered', async () => {
    let transactions = 0;
    const relay = await startRelay((_address, session) => {
      if (session.envelope.rcptTo.length === 0) transactions += 1;
      // The first transaction takes one recipient; every later one refuses everyone for the limit.
      return transactions === 1 && session.envelope.rcptTo.length === 0
        ? undefined
        : '452 4.5.3 Too many recipients';
    });
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false });
    closers.push(provider.close);
    const result = await createMailer({ providers: [provider] }).send({
      from: 'app@example.test',
      to: ['a1@example.edu', 'a2@example.edu', 'a3@example.edu'],
      subject: 's',
      text: 't',
    });
    expect(relay.received.map((entry) => entry.to)).toEqual([['a1@example.edu']]);
    expect(result.rejected?.map((entry) => [entry.address, entry.reply, entry.transient])).toEqual([
      ['a2@example.edu', '452 4.5.3 Too many recipients', true],
      ['a3@example.edu', '452 4.5.3 Too many recipients', true],
    ]);
  });

  it('a relay that takes everyone reports no rejected recipients', async () => {
    const relay = await startRelay();
    closers.push(relay.close);
    const provider = smtp({ port: relay.port, pool: false });
    closers.push(provider.close);
    const result = await createMailer({ providers: [provider] }).send({
      from: 'app@example.test',
      to: ['ada@example.edu', 'bob@example.org'],
      subject: 's',
      text: 't',
    });
    expect(result.rejected).toBeUndefined();
  });
});
