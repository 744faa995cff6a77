/**
 * The sandbox as a `testProvider()` target (docs/adapters.md, "The conformance suite"): an adapter's
 * test file runs the whole suite against its sandbox API in one line,
 * `await testProvider(() => sandboxTarget('sendgrid', (settings) => sendgrid({ … })))`.
 */
import type { ProviderV1 } from '@mailover/core';
import type { ProviderTestTarget } from '@mailover/core/testing';
import { adapterOptionsFor, DEFAULT_CREDENTIALS, startSandbox } from './server.js';
import type { SandboxWebhooks } from './server.js';
import type { AcceptedMessage, SandboxCredentials, SandboxProviderKind } from './types.js';
import { buildWebhook, generateSandboxWebhookKeys } from './webhook-dispatch.js';

/** What an adapter factory gets to point the adapter at the sandbox. */
export interface SandboxAdapterSettings {
  /** The sandbox's base URL for this provider: the adapter's `endpoint`. */
  readonly endpoint: string;
  /** Credentials: the ones the sandbox accepts, or (for the `wrong` case) ones it refuses. */
  readonly credentials: SandboxCredentials;
  /** The adapter's request timeout, ms. */
  readonly timeoutMs: number;
  /** Webhook options that verify the sandbox's signatures (or, for `wrong`, other keys'). */
  readonly webhooks: SandboxWebhooks['adapterOptions'];
}

/** Credentials made of canaries: the suite checks that none of them ever leaks. */
function canaries(tag: string): SandboxCredentials {
  return {
    sendgrid: { apiKey: `SG.SECRET-CANARY-${tag}-sendgrid` },
    ses: {
      region: 'us-east-1',
      accessKeyId: tag === 'valid' ? 'AKIACANARY0000000000' : 'AKIAWRONG00000000000',
      secretAccessKey: `SECRET-CANARY-${tag}-ses`,
    },
    mailgun: { apiKey: `SECRET-CANARY-${tag}-mailgun`, domain: DEFAULT_CREDENTIALS.mailgun.domain },
    postmark: { serverToken: `SECRET-CANARY-${tag}-postmark` },
    resend: { apiKey: `re_SECRET_CANARY_${tag}_resend` },
  };
}

/** Start a sandbox and describe `kind`'s API in it for `testProvider()`. */
export async function sandboxTarget(
  kind: SandboxProviderKind,
  build: (settings: SandboxAdapterSettings) => ProviderV1,
): Promise<ProviderTestTarget> {
  const valid = canaries('valid');
  const wrong = canaries('wrong');
  const sandbox = await startSandbox({ credentials: valid });
  const wrongKeys = generateSandboxWebhookKeys();
  const secrets = [valid, wrong].flatMap((credentials) =>
    Object.values(credentials).flatMap((entry: Record<string, string>) =>
      Object.entries(entry)
        .filter(([name]) => name !== 'region' && name !== 'domain' && name !== 'accessKeyId')
        .map(([, value]) => value),
    ),
  );
  const keys = sandbox.webhooks.keys;
  secrets.push(keys.mailgun.signingKey, keys.postmark.password, keys.resend.secret);
  return {
    name: kind,
    provider: ({ credentials, timeoutMs }) =>
      build({
        endpoint: sandbox.endpoints[kind],
        credentials: credentials === 'valid' ? valid : wrong,
        timeoutMs,
        webhooks: credentials === 'valid' ? sandbox.webhooks.adapterOptions : adapterOptionsFor(wrongKeys),
      }),
    accepted: () => sandbox.messages.filter((message) => message.provider === kind),
    fault: (fault) => sandbox.faults.set(kind, { kind: fault, retryAfterSeconds: 1 }),
    reset() {
      sandbox.faults.clear();
      sandbox.reset();
    },
    secrets,
    webhook: (event) =>
      buildWebhook(
        kind,
        {
          ...event,
          message: event.message as AcceptedMessage,
          attempt: 1,
          sendingIp: '127.1.0.10',
        },
        keys,
      ),
    close: () => sandbox.close(),
  };
}
