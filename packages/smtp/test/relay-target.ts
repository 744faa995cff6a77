/**
 * A loopback SMTP relay (smtp-server) as a `testProvider()` target: it accepts mail with the right
 * credentials, parses it back with mailparser, and plays the faults an SMTP relay can have.
 */
import type { AddressInfo, Socket } from 'node:net';
import type { ConformanceFault, ProviderTestTarget, ReceivedMessage } from '@mailover/core/testing';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { smtp } from '../src/index.js';

const USER = 'relay-user';
const PASSWORD = 'SECRET-CANARY-smtp-password';

/** A reply carried as an smtp-server callback error. */
function reply(text: string): Error {
  return Object.assign(new Error(text.slice(4)), { responseCode: Number(text.slice(0, 3)) });
}

export async function relayTarget(): Promise<ProviderTestTarget> {
  const received: ReceivedMessage[] = [];
  const sockets = new Set<Socket>();
  let fault: ConformanceFault | undefined;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    size: 1024 * 1024,
    onConnect(_session, callback) {
      if (fault === 'outage') return callback(reply('421 4.3.2 Service not available, closing channel'));
      if (fault === 'rate_limited')
        return callback(reply('421 4.7.0 Too many connections from your IP, rate limit exceeded'));
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
      callback(reply('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      if (fault === 'server_error') return callback(reply('451 4.3.0 Local error in processing'));
      if (fault === 'message_too_large')
        return callback(reply('552 5.3.4 Message size exceeds fixed maximum message size'));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // The message is in; the answer never comes, or the connection drops before it.
        if (fault === 'hang' || fault === 'accept_then_hang') return;
        if (fault === 'accept_then_reset') {
          for (const socket of sockets) socket.destroy();
          return;
        }
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          const list = (value: typeof mail.to) =>
            (Array.isArray(value) ? value : value ? [value] : []).flatMap((entry) =>
              entry.value.map((address) => ({ address: address.address ?? '' })),
            );
          const from = mail.from?.value[0];
          received.push({
            providerMessageId: mail.messageId ?? '',
            from: { address: from?.address ?? '', ...(from?.name ? { name: from.name } : {}) },
            to: list(mail.to),
            cc: list(mail.cc),
            subject: mail.subject ?? '',
            ...(mail.text === undefined ? {} : { text: mail.text.trim() }),
            ...(typeof mail.html === 'string' ? { html: mail.html.trim() } : {}),
            ...(mail.messageId ? { messageId: mail.messageId } : {}),
            metadata: { mailover_id: String(mail.headers.get('x-mailover-id') ?? '') },
            attachments: mail.attachments.map((attachment) => ({
              filename: attachment.filename ?? '',
              content: attachment.content,
            })),
          });
          callback();
        }, callback);
      });
    },
  });
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (fault === 'reset') socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    name: 'smtp',
    provider: ({ credentials, timeoutMs }) =>
      smtp({
        host: '127.0.0.1',
        port,
        auth: { user: USER, pass: credentials === 'valid' ? PASSWORD : 'SECRET-CANARY-wrong-password' },
        timeoutMs,
        pool: false,
      }),
    accepted: () => received,
    fault(kind) {
      fault = kind;
    },
    reset() {
      fault = undefined;
      received.length = 0;
    },
    faults: {
      // An SMTP relay has no answer that is not SMTP, no quota or suspension of its own.
      malformed: false,
      quota_exhausted: false,
      account_suspended: false,
      // A relay's 421 says "too many", never when to come back.
      rate_limited: { codes: ['rate_limited'], calls: 'retry', retryAfter: false },
    },
    secrets: [PASSWORD, 'SECRET-CANARY-wrong-password'],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
