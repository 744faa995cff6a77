/**
 * One description of a queue backend, shared by the test and the processes it starts: the same
 * function builds the mailer in both, so they meet on the same schema / keys / queue.
 */
import { createMailer, type Mailer, type WorkerOptions } from '@mailover/core';
import { postgres } from '@mailover/postgres';
import { redis } from '@mailover/redis';
import { sendgrid } from '@mailover/sendgrid';
import { postmark } from '@mailover/postmark';

export type BackendConfig =
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix: string };

export interface MailerConfig {
  readonly backend: BackendConfig;
  /** The sandbox: its base URL and credentials (sendgrid, postmark). */
  readonly sandbox: { readonly url: string; readonly sendgridKey: string; readonly postmarkToken: string };
  readonly worker: false | WorkerOptions;
  readonly idempotencyLeaseMs: number;
}

/** The mailer a test process or a worker process runs: SendGrid then Postmark, on the sandbox. */
export function buildMailer(config: MailerConfig): Mailer {
  const { backend, sandbox } = config;
  const shared =
    backend.kind === 'postgres'
      ? postgres({
          connectionString: backend.connectionString,
          schema: backend.schema,
          // Fast enough for a test: poll twice a second; a dead worker's job is back in 2-3 s.
          queue: { pollingIntervalSeconds: 0.5, expireInSeconds: 2, maintenanceIntervalSeconds: 1 },
        })
      : redis({
          url: backend.url,
          prefix: `${backend.prefix}:`,
          scheduler: { queue: `${backend.prefix}-scheduler`, prefix: `${backend.prefix}:bull` },
          queue: {
            queue: `${backend.prefix}-send`,
            prefix: `${backend.prefix}:bull`,
            lockDurationMs: 2_000,
            stalledIntervalMs: 1_000,
          },
        });
  return createMailer({
    providers: [
      sendgrid({ apiKey: sandbox.sendgridKey, endpoint: `${sandbox.url}/sendgrid/`, timeoutMs: 1_000 }),
      postmark({ serverToken: sandbox.postmarkToken, endpoint: `${sandbox.url}/postmark`, timeoutMs: 1_000 }),
    ],
    ...shared,
    breaker: false,
    retry: { retries: 0 },
    worker: config.worker,
    idempotencyLeaseMs: config.idempotencyLeaseMs,
  });
}
