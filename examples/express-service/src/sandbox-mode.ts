/**
 * No keys set: run against `@mailover/sandbox` in this process. The real SDKs talk HTTP to it, and
 * webhooks are verified with the sandbox's signing keys, exactly as real ones would be with real keys.
 */
import type { Provider } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import {
  type BuiltWebhook,
  buildWebhook,
  type Sandbox,
  type SandboxEventSpec,
  startSandbox,
} from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import type { ProviderKind, ServiceSettings } from './config.js';

export interface SandboxMode {
  readonly sandbox: Sandbox;
  readonly providers: Provider[];
}

/** Start the sandbox and build the providers against it, in `settings.order`. */
export async function startSandboxMode(settings: ServiceSettings): Promise<SandboxMode> {
  const sandbox = await startSandbox();
  const { endpoints, credentials, webhooks } = sandbox;
  const { timeoutMs } = settings;
  const build: Record<ProviderKind, () => Provider> = {
    sendgrid: () =>
      sendgrid({
        apiKey: credentials.sendgrid.apiKey,
        endpoint: endpoints.sendgrid,
        timeoutMs,
        ...webhooks.adapterOptions.sendgrid,
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
        ...sesWebhookOptions(sandbox),
      }),
    mailgun: () =>
      mailgun({
        ...credentials.mailgun,
        endpoint: endpoints.mailgun,
        timeoutMs,
        ...webhooks.adapterOptions.mailgun,
      }),
    postmark: () =>
      postmark({
        serverToken: credentials.postmark.serverToken,
        endpoint: endpoints.postmark,
        timeoutMs,
        ...webhooks.adapterOptions.postmark,
      }),
  };
  return { sandbox, providers: settings.order.map((kind) => build[kind]()) };
}

/** SES's SNS signing keys need the `openssl` CLI; without it SES webhooks are off. */
function sesWebhookOptions(
  sandbox: Sandbox,
): ReturnType<Sandbox['webhooks']['adapterOptions']['ses']> | object {
  try {
    return sandbox.webhooks.adapterOptions.ses();
  } catch {
    return {};
  }
}

/**
 * The webhook request the accepting provider would POST about one message it accepted (for its
 * first recipient): signed with the sandbox keys, in that provider's own format. Undefined when the
 * sandbox has no such message, or cannot sign for that provider here.
 */
export function buildSandboxWebhook(
  mode: Pick<SandboxMode, 'sandbox'>,
  providerMessageId: string,
  type: SandboxEventSpec['type'],
  smtpReply?: string,
): BuiltWebhook | undefined {
  const message = mode.sandbox.messages.find(
    (candidate) => candidate.providerMessageId === providerMessageId,
  );
  const recipient = message && [...message.to, ...message.cc, ...message.bcc][0]?.address;
  if (!message || !recipient) return undefined;
  const event: SandboxEventSpec = {
    type,
    message,
    recipient,
    time: Date.now(),
    ...(smtpReply ? { smtpReply } : {}),
  };
  try {
    return buildWebhook(message.provider, event, mode.sandbox.webhooks.keys);
  } catch {
    return undefined;
  }
}
