/**
 * No keys set: run against `@mailover/sandbox` in this process. The real SDKs talk HTTP to it, and
 * webhooks are verified with keys generated here, exactly as real ones would be with real keys.
 */
import type { Provider } from '@mailover/core';
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
  type MailgunWebhookKeys,
  type PostmarkWebhookKeys,
  type Sandbox,
  type SandboxEventSpec,
  type SendGridWebhookKeys,
  type SesWebhookKeys,
  startSandbox,
} from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import type { ProviderKind, ServiceSettings } from './config.js';

/** The keys the sandbox signs its webhooks with (SES's need `openssl`; without it SES webhooks are off). */
export interface SandboxWebhookKeys {
  readonly sendgrid: SendGridWebhookKeys;
  readonly ses?: SesWebhookKeys;
  readonly mailgun: MailgunWebhookKeys;
  readonly postmark: PostmarkWebhookKeys;
}

export interface SandboxMode {
  readonly sandbox: Sandbox;
  readonly keys: SandboxWebhookKeys;
  readonly providers: Provider[];
}

/** Start the sandbox and build the providers against it, in `settings.order`. */
export async function startSandboxMode(settings: ServiceSettings): Promise<SandboxMode> {
  const sandbox = await startSandbox();
  const keys: SandboxWebhookKeys = {
    sendgrid: generateSendGridWebhookKeys(),
    ...sesKeys(),
    mailgun: generateMailgunWebhookKeys(),
    postmark: generatePostmarkWebhookKeys(),
  };
  const { endpoints, credentials } = sandbox;
  const { timeoutMs } = settings;
  const build: Record<ProviderKind, () => Provider> = {
    sendgrid: () =>
      sendgrid({
        apiKey: credentials.sendgrid.apiKey,
        endpoint: endpoints.sendgrid,
        timeoutMs,
        webhookPublicKey: keys.sendgrid.publicKey,
      }),
    ses: () =>
      ses({
        region: credentials.ses.region,
        credentials: {
          accessKeyId: credentials.ses.accessKeyId,
          secretAccessKey: credentials.ses.secretAccessKey,
        },
        endpoint: endpoints.ses,
        timeoutMs,
        ...(keys.ses ? { webhook: sandboxSesWebhook(keys.ses) } : {}),
      }),
    mailgun: () =>
      mailgun({
        ...credentials.mailgun,
        endpoint: endpoints.mailgun,
        timeoutMs,
        webhookSigningKey: keys.mailgun.signingKey,
      }),
    postmark: () =>
      postmark({
        serverToken: credentials.postmark.serverToken,
        endpoint: endpoints.postmark,
        timeoutMs,
        webhookAuth: [
          { username: keys.postmark.username, password: keys.postmark.password },
          { header: keys.postmark.header.name, value: keys.postmark.header.value },
        ],
      }),
  };
  return { sandbox, keys, providers: settings.order.map((kind) => build[kind]()) };
}

function sesKeys(): { ses?: SesWebhookKeys } {
  try {
    return { ses: generateSesWebhookKeys() };
  } catch {
    return {};
  }
}

/** The sandbox's SNS "certificate URL" is not fetchable: hand over its certificate, and pin its CA. */
function sandboxSesWebhook(keys: SesWebhookKeys) {
  return {
    topicArns: [keys.topicArn],
    issuerCertificates: [keys.caCertificatePem],
    async fetchCertificate(url: string) {
      if (url !== keys.certificateUrl) throw new Error('not the sandbox SNS certificate');
      return keys.certificatePem;
    },
  };
}

/**
 * The webhook request the accepting provider would POST about one message it accepted: signed
 * with the sandbox keys, in that provider's own format. Undefined when the sandbox has no such message.
 */
export function buildSandboxWebhook(
  mode: Pick<SandboxMode, 'sandbox' | 'keys'>,
  providerMessageId: string,
  type: SandboxEventSpec['type'],
  smtpReply?: string,
): BuiltWebhook | undefined {
  const message = mode.sandbox.messages.find(
    (candidate) => candidate.providerMessageId === providerMessageId,
  );
  if (!message) return undefined;
  const events = recipientsOf(message).map(
    (recipient): SandboxEventSpec => ({
      type,
      message,
      recipient,
      time: Date.now(),
      ...(smtpReply ? { smtpReply } : {}),
    }),
  );
  const { keys } = mode;
  switch (message.provider) {
    case 'sendgrid':
      return buildSendGridWebhook(events, keys.sendgrid);
    case 'ses':
      return keys.ses ? buildSesWebhook(events, keys.ses) : undefined;
    // Mailgun and Postmark post one event per request: this example reports the first recipient.
    case 'mailgun':
      return buildMailgunWebhook(events.slice(0, 1), keys.mailgun);
    case 'postmark':
      return buildPostmarkWebhook(events.slice(0, 1), keys.postmark);
  }
}

function recipientsOf(message: AcceptedMessage): string[] {
  return [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
}
