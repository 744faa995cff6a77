/**
 * The two sides every client-side benchmark compares: a mailover adapter, and the same official SDK
 * called directly with the equivalent request (same fields: Message-ID header, id in metadata),
 * configured once as a user would, with the same timeout and no SDK retries.
 */
import { randomUUID } from 'node:crypto';
import type { MessageInput, Provider } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import { resend } from '@mailover/resend';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import type { SandboxProcess } from '../throughput/sandbox-process.js';

export const PROVIDER_KINDS: readonly SandboxProviderKind[] = [
  'sendgrid',
  'ses',
  'mailgun',
  'postmark',
  'resend',
];

const TIMEOUT_MS = 10_000;

/** A typical transactional message: one recipient, a text and an HTML part, about 1 KB. */
export const SUBJECT = 'Your order #10423 has shipped';
export const TEXT = `Hello Ada,\n\n${'Your parcel is on its way and should arrive within three working days. '.repeat(6)}\n`;
export const HTML = `<p>Hello Ada,</p><p>${'Your parcel is on its way and should arrive within three working days. '.repeat(6)}</p>`;
export const FROM = 'Shop <orders@shop.example.com>';

let sent = 0;
/**
 * A new recipient for every message, as in real traffic (one sender, many recipients): a cache of
 * checked addresses must not make a benchmark that repeats one address look cheaper than reality.
 */
export function nextRecipient(): string {
  sent = (sent + 1) % 1_000_000;
  return `customer${sent}@example.org`;
}

export function benchMessage(): MessageInput {
  return { from: FROM, to: nextRecipient(), subject: SUBJECT, text: TEXT, html: HTML };
}

/** The adapters' factories: this checkout's by default, another build's in `before-after.ts`. */
export interface AdapterFactories {
  readonly sendgrid: typeof sendgrid;
  readonly ses: typeof ses;
  readonly mailgun: typeof mailgun;
  readonly postmark: typeof postmark;
  readonly resend?: typeof resend;
}

const THESE_ADAPTERS: AdapterFactories = { sendgrid, ses, mailgun, postmark, resend };

/** The mailover adapter for `kind`, pointed at the sandbox. */
export function adapterFor(
  kind: SandboxProviderKind,
  sandbox: SandboxProcess,
  factories: AdapterFactories = THESE_ADAPTERS,
): Provider {
  const { sendgrid, ses, mailgun, postmark, resend } = factories;
  const credentials = sandbox.credentials;
  switch (kind) {
    case 'sendgrid':
      return sendgrid({
        apiKey: credentials.sendgrid.apiKey,
        endpoint: sandbox.endpoints.sendgrid,
        timeoutMs: TIMEOUT_MS,
      });
    case 'ses':
      return ses({
        region: credentials.ses.region,
        credentials: {
          accessKeyId: credentials.ses.accessKeyId,
          secretAccessKey: credentials.ses.secretAccessKey,
        },
        endpoint: sandbox.endpoints.ses,
        timeoutMs: TIMEOUT_MS,
      });
    case 'mailgun':
      return mailgun({
        apiKey: credentials.mailgun.apiKey,
        domain: credentials.mailgun.domain,
        endpoint: sandbox.endpoints.mailgun,
        timeoutMs: TIMEOUT_MS,
      });
    case 'postmark':
      return postmark({
        serverToken: credentials.postmark.serverToken,
        endpoint: sandbox.endpoints.postmark,
        timeoutMs: TIMEOUT_MS,
      });
    case 'resend':
      if (!resend) throw new Error('this build has no Resend adapter');
      return resend({
        apiKey: credentials.resend.apiKey,
        endpoint: sandbox.endpoints.resend,
        timeoutMs: TIMEOUT_MS,
      });
  }
}

/** The parts of `@sendgrid/client`'s Client used here (its typings do not export the class usably). */
interface SendGridSdkClient {
  setApiKey(key: string): void;
  setDefaultRequest(key: string, value: unknown): void;
}

/** Sends one message straight through the official SDK; resolves to the provider's message id. */
export type RawSend = () => Promise<string>;

/** The official SDK for `kind`, configured once, sending the equivalent request. */
export async function rawSenderFor(kind: SandboxProviderKind, sandbox: SandboxProcess): Promise<RawSend> {
  const credentials = sandbox.credentials;
  const messageId = () => `<${randomUUID()}@shop.example.com>`;
  switch (kind) {
    case 'sendgrid': {
      const [clientModule, mailModule] = await Promise.all([
        import('@sendgrid/client'),
        import('@sendgrid/mail'),
      ]);
      // Both are CommonJS: the classes hang off module.exports, which ESM sees as `default`.
      const { Client } = clientModule.default as unknown as { Client: new () => SendGridSdkClient };
      const client = new Client();
      client.setApiKey(credentials.sendgrid.apiKey);
      // After setApiKey, which resets the base URL.
      client.setDefaultRequest('baseUrl', sandbox.endpoints.sendgrid);
      client.setDefaultRequest('timeout', TIMEOUT_MS);
      const { MailService } = mailModule.default as unknown as {
        MailService: new () => typeof mailModule.default;
      };
      const service = new MailService();
      service.setClient(client as never);
      return async () => {
        const [response] = await service.send({
          from: FROM,
          to: nextRecipient(),
          subject: SUBJECT,
          text: TEXT,
          html: HTML,
          headers: { 'Message-ID': messageId() },
          customArgs: { mailover_id: randomUUID() },
        });
        return String(response.headers['x-message-id']);
      };
    }
    case 'ses': {
      const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
      const client = new SESv2Client({
        region: credentials.ses.region,
        endpoint: sandbox.endpoints.ses,
        credentials: {
          accessKeyId: credentials.ses.accessKeyId,
          secretAccessKey: credentials.ses.secretAccessKey,
        },
        maxAttempts: 1,
        requestHandler: {
          requestTimeout: TIMEOUT_MS,
          connectionTimeout: TIMEOUT_MS,
          throwOnRequestTimeout: true,
        },
      });
      return async () => {
        const output = await client.send(
          new SendEmailCommand({
            FromEmailAddress: FROM,
            Destination: { ToAddresses: [nextRecipient()] },
            Content: {
              Simple: {
                Subject: { Data: SUBJECT, Charset: 'UTF-8' },
                Body: { Text: { Data: TEXT, Charset: 'UTF-8' }, Html: { Data: HTML, Charset: 'UTF-8' } },
                Headers: [{ Name: 'Message-ID', Value: messageId() }],
              },
            },
            EmailTags: [{ Name: 'mailover_id', Value: randomUUID() }],
          }),
        );
        return String(output.MessageId);
      };
    }
    case 'mailgun': {
      const { default: Mailgun } = await import('mailgun.js');
      const client = new Mailgun(FormData).client({
        username: 'api',
        key: credentials.mailgun.apiKey,
        url: sandbox.endpoints.mailgun,
        timeout: TIMEOUT_MS,
      });
      return async () => {
        const result = await client.messages.create(credentials.mailgun.domain, {
          from: FROM,
          to: [nextRecipient()],
          subject: SUBJECT,
          text: TEXT,
          html: HTML,
          'h:Message-Id': messageId(),
          'v:mailover_id': randomUUID(),
        });
        return String(result.id);
      };
    }
    case 'postmark': {
      const { ServerClient } = await import('postmark');
      const url = new URL(sandbox.endpoints.postmark);
      const client = new ServerClient(credentials.postmark.serverToken, {
        useHttps: false,
        requestHost: `${url.host}${url.pathname}`,
        timeout: TIMEOUT_MS / 1000,
      });
      return async () => {
        const response = await client.sendEmail({
          From: FROM,
          To: nextRecipient(),
          Subject: SUBJECT,
          TextBody: TEXT,
          HtmlBody: HTML,
          Headers: [{ Name: 'Message-ID', Value: messageId() }],
          Metadata: { mailover_id: randomUUID() },
        });
        return response.MessageID;
      };
    }
    case 'resend': {
      const { Resend } = await import('resend');
      const client = new Resend(credentials.resend.apiKey, { baseUrl: sandbox.endpoints.resend });
      // The SDK takes no timeout and does not retry. Every other SDK side has the adapter's timeout
      // set (the rule at the top of this file), so this one gets it the way the SDK allows: a fetch
      // signal per send, `AbortSignal.timeout` as Resend's users write it. Until session 7 this side
      // had no timeout at all, and the adapter's signal counted as overhead (bench/README.md).
      return async () => {
        const answer = await client.emails.send(
          {
            from: FROM,
            to: [nextRecipient()],
            subject: SUBJECT,
            text: TEXT,
            html: HTML,
            headers: { 'Message-ID': messageId() },
            tags: [{ name: 'mailover_id', value: randomUUID() }],
          },
          // The SDK spreads its request options into fetch's; its typings leave `signal` out.
          { idempotencyKey: randomUUID(), signal: AbortSignal.timeout(TIMEOUT_MS) } as never,
        );
        if (answer.error) throw new Error(`resend: ${answer.error.message}`);
        return String(answer.data?.id);
      };
    }
  }
}
