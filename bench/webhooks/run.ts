/**
 * Webhook ingestion: events verified, parsed, deduplicated, correlated and stored per second of CPU
 * (one core: Node runs this on one thread), through `mailer.webhooks.handleRaw`, with requests the
 * sandbox's builders sign exactly as each provider does. Requests are built before the clock starts.
 */
import { randomUUID } from 'node:crypto';
import { createMailer, type Mailer, type WebhookRequest } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import {
  type AcceptedMessage,
  type BuiltWebhook,
  buildMailgunWebhook,
  buildPostmarkWebhook,
  buildSendGridWebhook,
  buildSesWebhook,
  generateMailgunWebhookKeys,
  generatePostmarkWebhookKeys,
  generateSendGridWebhookKeys,
  generateSesWebhookKeys,
  type SandboxEventSpec,
  type SandboxProviderKind,
} from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import { cpuMicros, median, round, writeResults } from '../overhead/results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const EVENTS = QUICK ? 2_000 : 10_000;
const ROUNDS = 3;

const sendgridKeys = generateSendGridWebhookKeys();
const sesKeys = generateSesWebhookKeys();
const mailgunKeys = generateMailgunWebhookKeys();
const postmarkKeys = generatePostmarkWebhookKeys();

function newMailer(): Mailer {
  return createMailer({
    providers: [
      sendgrid({ apiKey: 'SG.unused', webhookPublicKey: sendgridKeys.publicKey }),
      ses({
        region: 'us-east-1',
        webhook: {
          fetchCertificate: async () => sesKeys.certificatePem,
          issuerCertificates: [sesKeys.caCertificatePem],
          topicArns: [sesKeys.topicArn],
        },
      }),
      mailgun({ apiKey: 'key-unused', domain: 'mg.example.com', webhookSigningKey: mailgunKeys.signingKey }),
      postmark({
        serverToken: 'unused',
        webhookAuth: [
          { username: postmarkKeys.username, password: postmarkKeys.password },
          { header: postmarkKeys.header.name, value: postmarkKeys.header.value },
        ],
      }),
    ],
  });
}

/** A message as the sandbox would have accepted it, carrying mailover's id where each provider echoes it. */
function acceptedMessage(kind: SandboxProviderKind): AcceptedMessage {
  const id = randomUUID();
  return {
    provider: kind,
    providerMessageId: kind === 'mailgun' ? `<${randomUUID()}@mg.example.com>` : randomUUID(),
    receivedAt: Date.now(),
    from: { address: 'orders@shop.example.com' },
    to: [{ address: 'ada@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'Your order has shipped',
    headers: {},
    attachments: [],
    tags: [],
    metadata: { mailover_id: id },
    raw: { EmailTags: [{ Name: 'mailover_id', Value: id }] },
  };
}

/** A realistic mix: a deferral (greylisting) then a delivery, per message. */
function eventsFor(kind: SandboxProviderKind): SandboxEventSpec[] {
  const message = acceptedMessage(kind);
  const time = Date.now();
  return [
    {
      type: 'deferred',
      message,
      recipient: 'ada@example.org',
      time,
      attempt: 1,
      sendingIp: '203.0.113.7',
      smtpReply:
        '450 4.2.0 <ada@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/',
    },
    { type: 'delivered', message, recipient: 'ada@example.org', time: time + 1, sendingIp: '203.0.113.9' },
  ];
}

interface Format {
  readonly name: string;
  readonly provider: SandboxProviderKind;
  readonly eventsPerRequest: number;
  build(): BuiltWebhook;
}

function sendgridBatch(size: number): () => BuiltWebhook {
  return () => {
    const events: SandboxEventSpec[] = [];
    while (events.length < size) events.push(...eventsFor('sendgrid'));
    return buildSendGridWebhook(events.slice(0, size), sendgridKeys);
  };
}

const FORMATS: readonly Format[] = [
  { name: 'sendgrid (1 event per POST)', provider: 'sendgrid', eventsPerRequest: 1, build: sendgridBatch(1) },
  { name: 'sendgrid (batch of 100)', provider: 'sendgrid', eventsPerRequest: 100, build: sendgridBatch(100) },
  {
    name: 'ses (SNS notification)',
    provider: 'ses',
    eventsPerRequest: 1,
    build: () => buildSesWebhook([eventsFor('ses')[1]!], sesKeys),
  },
  {
    name: 'mailgun',
    provider: 'mailgun',
    eventsPerRequest: 1,
    build: () => buildMailgunWebhook([eventsFor('mailgun')[0]!], mailgunKeys),
  },
  {
    name: 'postmark',
    provider: 'postmark',
    eventsPerRequest: 1,
    build: () => buildPostmarkWebhook([eventsFor('postmark')[1]!], postmarkKeys),
  },
];

function toRequest(provider: string, built: BuiltWebhook): WebhookRequest {
  return {
    method: 'POST',
    url: `http://127.0.0.1/webhooks/${provider}`,
    headers: new Headers(built.headers),
    body: new Uint8Array(built.body),
  };
}

async function measure(format: Format) {
  const requestCount = Math.max(10, Math.round(EVENTS / format.eventsPerRequest));
  const perRound: number[] = [];
  let stored = 0;
  // Built once: signing (RSA for SES) costs more than verifying. Each round has a fresh mailer and
  // store, so the same requests are new to it.
  const requests = Array.from({ length: requestCount }, () => toRequest(format.provider, format.build()));
  for (let round = 0; round < ROUNDS + 1; round++) {
    const mailer = newMailer();
    global.gc?.();
    const started = cpuMicros();
    stored = 0;
    for (const request of requests) {
      const outcome = await mailer.webhooks.handleRaw(format.provider, request);
      if (outcome.status !== 200)
        throw new Error(`${format.name}: ${outcome.status} ${JSON.stringify(outcome.body)}`);
      stored += (outcome.body as { stored?: number }).stored ?? 0;
    }
    const micros = cpuMicros() - started;
    await mailer.close();
    if (round > 0) perRound.push(micros); // the first round warms up
  }
  const micros = median(perRound);
  const events = requestCount * format.eventsPerRequest;
  if (stored !== events) throw new Error(`${format.name}: stored ${stored} of ${events} events`);
  return {
    format: format.name,
    provider: format.provider,
    eventsPerRequest: format.eventsPerRequest,
    events,
    eventsPerCpuSecond: Math.round((events * 1_000_000) / micros),
    microsPerEvent: round(micros / events, 1),
  };
}

const rows = [];
for (const format of FORMATS) {
  const row = await measure(format);
  console.log(JSON.stringify(row));
  rows.push(row);
}
const path = writeResults('webhooks', {
  method:
    'mailer.webhooks.handleRaw on pre-built requests signed by the sandbox builders (SendGrid ECDSA, SES SNS ' +
    'RSA certificate, Mailgun HMAC with replay tokens, Postmark basic auth + header), default in-memory store; ' +
    `process CPU time per event, median of ${ROUNDS} rounds after one warm-up round; events per CPU second is ` +
    'per core, as the handler runs on one thread.',
  rows,
});
console.log(`wrote ${path}`);
