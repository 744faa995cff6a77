/** What every multi-instance scenario needs: a Redis, a sandbox, instance configs, signed webhooks. */
import type { AcceptedMessage, BuiltWebhook, Sandbox } from '@mailover/sandbox';
import { buildWebhook, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { stopAllInstances } from './harness.js';
import { deleteKeys } from './redis-admin.js';
import { findRedis, uniqueName } from '../../packages/redis/test/redis-server.js';
import type { InstanceConfig, ProviderConfig } from './protocol.js';

export { uniqueName };

/** The shared Redis for the scenarios, or why there is none (the suite is then skipped). */
export async function redisForScenarios(
  file: string,
): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  const target = await findRedis();
  if ('skip' in target) {
    console.warn(`multi-instance ${file} skipped: ${target.skip}`);
    return undefined;
  }
  return target;
}

/** A scenario's own namespace in Redis: keys, BullMQ queue and prefix, all under `root`. */
export function namespace(label: string): {
  root: string;
  prefix: string;
  queue: string;
  bullPrefix: string;
} {
  const root = `mailover:${uniqueName(label)}:`;
  return { root, prefix: `${root}store:`, queue: 'jobs', bullPrefix: `${root}bull` };
}

/** The config of one instance of a scenario; instances of one scenario share `redis`. */
export function instanceConfig(
  redis: InstanceConfig['redis'],
  sandbox: Sandbox,
  providers: readonly ProviderConfig[],
  extra: Partial<Pick<InstanceConfig, 'rateLimits' | 'breaker' | 'greylisting'>> = {},
): InstanceConfig {
  return {
    redis,
    sandbox: {
      endpoints: sandbox.endpoints,
      credentials: sandbox.credentials,
      sendgridWebhookPublicKey: sandbox.webhooks.adapterOptions.sendgrid.webhookPublicKey,
    },
    providers,
    ...extra,
  };
}

/** SendGrid (rotating IPs) first, Postmark as the fixed-IP provider greylisting fails over to. */
export const ROTATING_THEN_FIXED: readonly ProviderConfig[] = [
  { kind: 'sendgrid', ip: 'rotating' },
  { kind: 'postmark', ip: 'fixed' },
];

/** The mailover id the adapters put in each provider's metadata field. */
export const mailoverIdOf = (message: AcceptedMessage) => message.metadata.mailover_id ?? '';

export const recipientsOf = (message: AcceptedMessage) =>
  [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);

/** SendGrid's signed webhook for one greylisting deferral, each attempt from a different /24. */
export function greylistDeferral(
  sandbox: Sandbox,
  message: AcceptedMessage,
  recipient: string,
  attempt: number,
): BuiltWebhook {
  const domain = recipient.slice(recipient.indexOf('@') + 1);
  return buildWebhook(
    'sendgrid',
    {
      type: 'deferred',
      message,
      recipient,
      time: Date.now(),
      smtpReply: `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${domain}.html`,
      attempt,
      sendingIp: `127.${attempt}.${attempt * 7}.10`,
    },
    sandbox.webhooks.keys,
  );
}

/** SendGrid's signed webhook saying the message reached the recipient. */
export function delivered(sandbox: Sandbox, message: AcceptedMessage, recipient: string): BuiltWebhook {
  return buildWebhook(
    'sendgrid',
    {
      type: 'delivered',
      message,
      recipient,
      time: Date.now(),
      smtpReply: '250 2.0.0 Ok: queued',
      attempt: 1,
    },
    sandbox.webhooks.keys,
  );
}

/** How many times the fixed provider (Postmark) accepted a re-send, per `id recipient`. */
export function failoverCounts(sandbox: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sandbox.messages.filter((accepted) => accepted.provider === 'postmark')) {
    for (const recipient of recipientsOf(message)) {
      const key = `${mailoverIdOf(message)} ${recipient}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** One scenario file's shared pieces: its sandbox and the Redis namespaces its scenarios used. */
export interface ScenarioScene {
  readonly sandbox: Sandbox;
  readonly roots: string[];
}

/**
 * Register a scenario file's lifecycle in the current `describe`: one sandbox for the file,
 * instances stopped and faults cleared after each test, every namespace's keys deleted at the end.
 */
export function scenarioLifecycle(
  redis: { url: string; stop: () => Promise<void> } | undefined,
): ScenarioScene {
  const scene = { sandbox: undefined as unknown as Sandbox, roots: [] as string[] };
  beforeAll(async () => {
    // No automatic webhooks: each test posts what it needs, to the instances it chooses.
    scene.sandbox = await startSandbox();
  });
  afterEach(async () => {
    await stopAllInstances();
    scene.sandbox.faults.clear();
    scene.sandbox.reset();
  });
  afterAll(async () => {
    await stopAllInstances();
    await scene.sandbox?.close();
    for (const root of scene.roots) await deleteKeys(redis?.url ?? '', root);
    await redis?.stop();
  });
  return scene;
}
