/**
 * One mailover instance in its own OS process, for the multi-instance tests: a mailer on a shared
 * Redis (store + BullMQ scheduler) with real adapters pointed at the parent's sandbox, and a small
 * HTTP API on 127.0.0.1 through which the test drives it. Started by `harness.ts` as
 * `node --import tsx --conditions=mailover-source instance.ts`, configured by the `MAILOVER_INSTANCE`
 * environment variable (JSON, see `InstanceConfig`); prints one JSON line `{ "port": … }` when ready.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMailer,
  type MessageInput,
  type Provider,
  type SendManyOptions,
  type SendOptions,
} from '@mailover/core';
import { postmark } from '@mailover/postmark';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import { redisScheduler, redisStore } from '@mailover/redis';
import type { InstanceConfig, InstanceEvent, ProviderConfig } from './protocol.js';

const config = JSON.parse(process.env.MAILOVER_INSTANCE ?? '{}') as InstanceConfig;
const { sandbox } = config;

function providerFor(spec: ProviderConfig): Provider {
  const common = { id: spec.id ?? spec.kind, ip: spec.ip, timeoutMs: spec.timeoutMs ?? 5_000 };
  switch (spec.kind) {
    case 'sendgrid':
      return sendgrid({
        ...common,
        apiKey: sandbox.credentials.sendgrid.apiKey,
        endpoint: sandbox.endpoints.sendgrid,
        webhookPublicKey: sandbox.sendgridWebhookPublicKey,
      });
    case 'postmark':
      return postmark({
        ...common,
        serverToken: sandbox.credentials.postmark.serverToken,
        endpoint: sandbox.endpoints.postmark,
      });
    case 'ses':
      return ses({
        ...common,
        region: sandbox.credentials.ses.region,
        credentials: sandbox.credentials.ses,
        endpoint: sandbox.endpoints.ses,
      });
  }
}

const mailer = createMailer({
  providers: config.providers.map(providerFor),
  store: redisStore({ url: config.redis.url }, { prefix: config.redis.prefix, commandTimeoutMs: 1_000 }),
  scheduler: redisScheduler(
    { url: config.redis.url },
    {
      queue: config.redis.queue,
      prefix: config.redis.bullPrefix,
      commandTimeoutMs: 1_000,
      retryDelayMs: 200,
      ...(config.redis.lockDurationMs === undefined ? {} : { lockDurationMs: config.redis.lockDurationMs }),
      ...(config.redis.stalledIntervalMs === undefined
        ? {}
        : { stalledIntervalMs: config.redis.stalledIntervalMs }),
    },
  ),
  ...(config.rateLimits ? { rateLimits: config.rateLimits } : {}),
  ...(config.breaker ? { breaker: config.breaker } : {}),
  ...(config.greylisting ? { greylisting: config.greylisting } : {}),
  retry: { minDelayMs: 10, maxDelayMs: 50 },
});

// What the engine reported, for the test to read back (GET /events).
const events: InstanceEvent[] = [];
const record = (type: string, detail: Record<string, unknown>) => events.push({ type, ...detail });
mailer.on('circuit-open', (event) => record('circuit-open', event));
mailer.on('skip', (event) => record('skip', event));
mailer.on('greylist-failover', (event) => record('greylist-failover', event));
process.on('warning', (warning) => record('warning', { message: warning.message }));

const routes: Record<string, (body: unknown, path: string[]) => Promise<[number, unknown]>> = {
  async send(body) {
    const { message, options } = body as { message: MessageInput; options?: SendOptions };
    return [200, await mailer.send(message, options)];
  },
  async 'send-many'(body) {
    const { messages, options } = body as { messages: MessageInput[]; options?: SendManyOptions };
    const outcomes = await mailer.sendMany(messages, options);
    return [
      200,
      outcomes.map((outcome) =>
        outcome.status === 'sent' ? outcome : { status: 'failed', error: describeError(outcome.error) },
      ),
    ];
  },
  async status(_body, [id = '']) {
    const status = await mailer.status(decodeURIComponent(id));
    return status ? [200, status] : [404, { error: 'unknown message' }];
  },
  async idle() {
    await mailer.idle();
    return [200, {}];
  },
  async events() {
    return [200, events];
  },
};

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const server = createServer((request, response) => {
  const [, first = '', ...rest] = (request.url ?? '/').split('/');
  // Webhooks go straight to the mailer's own Node handler, raw bytes and all.
  if (first === 'webhooks') return mailer.webhooks.node(rest[0] ?? '')(request, response);
  const route = routes[first];
  if (!route) return answer(response, 404, { error: `no route /${first}` });
  readJson(request)
    .then((body) => route(body, rest))
    .then(([status, body]) => answer(response, status, body))
    .catch((error: unknown) => answer(response, 500, { error: describeError(error) }));
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

// The parent closes stdin to stop us gracefully, or by dying: either way this instance must not
// outlive the test run.
process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  mailer.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
});
