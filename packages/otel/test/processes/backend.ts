/** The mailer both processes of queue-processes.test.ts build: SendGrid (the sandbox) on a durable queue. */
import { createMailer, type Mailer } from '@mailover/core';
import { postgres } from '@mailover/postgres';
import { redis } from '@mailover/redis';
import { sendgrid } from '@mailover/sendgrid';

export interface WorkerConfig {
  readonly backend: 'bullmq' | 'pg-boss';
  /** Redis URL or PostgreSQL connection string. */
  readonly url: string;
  /** This run's Redis key prefix or PostgreSQL schema. */
  readonly namespace: string;
  readonly sendgrid: { readonly apiKey: string; readonly endpoint: string };
}

export function buildMailer(config: WorkerConfig, worker: boolean): Mailer {
  const storage =
    config.backend === 'bullmq'
      ? redis({
          url: config.url,
          prefix: `${config.namespace}:`,
          scheduler: { queue: `${config.namespace}-scheduler`, prefix: `${config.namespace}:bull` },
          queue: { queue: `${config.namespace}-send`, prefix: `${config.namespace}:bull` },
        })
      : postgres({
          connectionString: config.url,
          schema: config.namespace,
          queue: { pollingIntervalSeconds: 0.5 },
        });
  return createMailer({
    providers: [sendgrid({ apiKey: config.sendgrid.apiKey, endpoint: config.sendgrid.endpoint })],
    ...storage,
    worker,
  });
}
