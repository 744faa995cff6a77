/**
 * Environment → providers, in priority order. Each provider is included when its keys are set;
 * with none set, the service runs against the in-process sandbox instead (see sandbox-mode.ts).
 */
import { ConfigurationError, type Provider } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { type PostmarkWebhookAuth, postmark } from '@mailover/postmark';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';

export type ProviderKind = 'sendgrid' | 'ses' | 'mailgun' | 'postmark';
export const PROVIDER_KINDS: readonly ProviderKind[] = ['sendgrid', 'ses', 'mailgun', 'postmark'];

export type Environment = Readonly<Record<string, string | undefined>>;

/** What the service needs besides its providers, read from the environment. */
export interface ServiceSettings {
  /** `MAILOVER_PROVIDERS`: provider kinds, highest priority first. Default: sendgrid,ses,mailgun,postmark. */
  readonly order: readonly ProviderKind[];
  /** `MAILOVER_TIMEOUT_MS`: how long one provider call may take. Default 10 000. */
  readonly timeoutMs: number;
  /** `MAILOVER_SEND_DEADLINE_MS`: how long one `POST /send` may take across retries and failovers. Default 30 000. */
  readonly sendDeadlineMs: number;
  /** `PORT`. Default 3000. */
  readonly port: number;
  /** `HOST`. Default 127.0.0.1 (put a reverse proxy in front, or set 0.0.0.0 in a container). */
  readonly host: string;
  /** `MAILOVER_SANDBOX=1`: use the sandbox even when keys are set. Default: only when no keys are set. */
  readonly forceSandbox: boolean;
}

/** Read the service settings; throws ConfigurationError naming the variable on a bad value. */
export function readSettings(env: Environment): ServiceSettings {
  return {
    order: parseProviderOrder(env.MAILOVER_PROVIDERS),
    timeoutMs: positiveInteger(env, 'MAILOVER_TIMEOUT_MS', 10_000),
    sendDeadlineMs: positiveInteger(env, 'MAILOVER_SEND_DEADLINE_MS', 30_000),
    port: positiveInteger(env, 'PORT', 3000, { allowZero: true }),
    host: env.HOST || '127.0.0.1',
    forceSandbox: env.MAILOVER_SANDBOX === '1' || env.MAILOVER_SANDBOX === 'true',
  };
}

/** `'postmark, sendgrid'` → `['postmark', 'sendgrid']`; unknown or repeated names are refused. */
export function parseProviderOrder(value: string | undefined): ProviderKind[] {
  if (!value?.trim()) return [...PROVIDER_KINDS];
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  const order: ProviderKind[] = [];
  for (const name of names) {
    const kind = PROVIDER_KINDS.find((candidate) => candidate === name);
    if (!kind) {
      throw new ConfigurationError(
        `MAILOVER_PROVIDERS: unknown provider '${name}' (known: ${PROVIDER_KINDS.join(', ')})`,
      );
    }
    if (order.includes(kind)) throw new ConfigurationError(`MAILOVER_PROVIDERS: '${name}' is listed twice`);
    order.push(kind);
  }
  return order;
}

/** Whether the environment holds sending keys for this provider. */
export function hasKeys(env: Environment, kind: ProviderKind): boolean {
  switch (kind) {
    case 'sendgrid':
      return Boolean(env.SENDGRID_API_KEY);
    case 'ses':
      return Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
    case 'mailgun':
      return Boolean(env.MAILGUN_API_KEY && env.MAILGUN_DOMAIN);
    case 'postmark':
      return Boolean(env.POSTMARK_SERVER_TOKEN);
  }
}

/** The real providers whose keys are set, in `settings.order`. */
export function liveProviders(env: Environment, settings: ServiceSettings): Provider[] {
  const { timeoutMs } = settings;
  const build: Record<ProviderKind, () => Provider> = {
    sendgrid: () =>
      sendgrid({
        apiKey: env.SENDGRID_API_KEY!,
        timeoutMs,
        ...optional('ipPoolName', env.SENDGRID_IP_POOL),
        ...optional('webhookPublicKey', env.SENDGRID_WEBHOOK_PUBLIC_KEY),
      }),
    ses: () => {
      const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
      if (!region) throw new ConfigurationError('ses: AWS keys are set but AWS_REGION is not');
      const topicArns = list(env.SES_WEBHOOK_TOPIC_ARNS);
      return ses({
        region,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID!,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
          ...optional('sessionToken', env.AWS_SESSION_TOKEN),
        },
        timeoutMs,
        ...optional('configurationSetName', env.SES_CONFIGURATION_SET),
        // SNS signatures are checked against certificates fetched from SNS itself; the topic list pins ours.
        ...(topicArns.length > 0 ? { webhook: { topicArns } } : {}),
      });
    },
    mailgun: () =>
      mailgun({
        apiKey: env.MAILGUN_API_KEY!,
        domain: env.MAILGUN_DOMAIN!,
        timeoutMs,
        ...optional('endpoint', env.MAILGUN_ENDPOINT),
        ...optional('webhookSigningKey', env.MAILGUN_WEBHOOK_SIGNING_KEY),
      }),
    postmark: () => {
      const webhookAuth = postmarkWebhookAuth(env);
      return postmark({
        serverToken: env.POSTMARK_SERVER_TOKEN!,
        timeoutMs,
        ...optional('messageStream', env.POSTMARK_MESSAGE_STREAM),
        ...(webhookAuth.length > 0 ? { webhookAuth } : {}),
      });
    },
  };
  return settings.order.filter((kind) => hasKeys(env, kind)).map((kind) => build[kind]());
}

/** Postmark signs nothing: its webhook sends the Basic auth and/or header configured on it. */
function postmarkWebhookAuth(env: Environment): PostmarkWebhookAuth[] {
  const auth: PostmarkWebhookAuth[] = [];
  if (env.POSTMARK_WEBHOOK_USERNAME && env.POSTMARK_WEBHOOK_PASSWORD) {
    auth.push({ username: env.POSTMARK_WEBHOOK_USERNAME, password: env.POSTMARK_WEBHOOK_PASSWORD });
  }
  if (env.POSTMARK_WEBHOOK_HEADER && env.POSTMARK_WEBHOOK_SECRET) {
    auth.push({ header: env.POSTMARK_WEBHOOK_HEADER, value: env.POSTMARK_WEBHOOK_SECRET });
  }
  return auth;
}

function optional<Key extends string>(key: Key, value: string | undefined): { [K in Key]?: string } {
  return value ? ({ [key]: value } as { [K in Key]: string }) : {};
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function positiveInteger(
  env: Environment,
  name: string,
  fallback: number,
  { allowZero = false } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ConfigurationError(`${name}: expected a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}
