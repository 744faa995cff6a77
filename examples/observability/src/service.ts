/**
 * A mail service that Prometheus can scrape: SendGrid, then SES, then Postmark on a dedicated
 * (fixed) IP, all pointed at the local sandbox; `instrument()` feeds an OpenTelemetry MeterProvider
 * whose Prometheus exporter answers `GET /metrics` on the service's own port, next to
 * `POST /send`, `POST /enqueue` (the queue) and the providers' webhooks. Metric names: docs/observability.md.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer, type Mailer, SendError, ValidationError } from '@mailover/core';
import { instrument } from '@mailover/otel';
import { postmark } from '@mailover/postmark';
import { outcomeByAddress, type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface ObservableService {
  readonly mailer: Mailer;
  readonly sandbox: Sandbox;
  /** The service's base URL (loopback). */
  readonly url: string;
  /** Where Prometheus scrapes: `${url}/metrics`. */
  readonly metricsUrl: string;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Port to listen on. Default 0 (any free port). */
  readonly port?: number;
  /** Time between the steps of the sandbox's delivery webhooks, ms. Default 20. */
  readonly stepMs?: number;
}

export async function startService(options: ServiceOptions = {}): Promise<ObservableService> {
  let mailer: Mailer | undefined;
  // No server of its own: the exporter's handler answers on the service's port.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (request.method === 'GET' && path === '/metrics')
      return exporter.getMetricsRequestHandler(request, response);
    if (path.startsWith('/webhooks/') && mailer)
      return mailer.webhooks.node(path.slice('/webhooks/'.length))(request, response);
    if (request.method === 'POST' && path === '/enqueue' && mailer) {
      // Through the queue (in memory here; @mailover/redis or @mailover/postgres in production):
      // the worker sends it, and the queue gauges count it meanwhile.
      readJson(request)
        .then((message) => mailer!.enqueue(message as never))
        .then(
          (result) => reply(response, 202, result),
          (error: unknown) =>
            ValidationError.isInstance(error)
              ? reply(response, 400, { error: error.message, issues: error.issues })
              : reply(response, 400, { error: 'unreadable JSON body' }),
        );
      return;
    }
    if (request.method === 'POST' && path === '/send' && mailer) {
      readJson(request)
        .then((message) => mailer!.send(message as never))
        .then(
          (result) =>
            reply(response, 200, {
              id: result.id,
              provider: result.provider,
              attempts: result.attempts.length,
            }),
          (error: unknown) =>
            ValidationError.isInstance(error)
              ? reply(response, 400, { error: error.message, issues: error.issues })
              : SendError.isInstance(error)
                ? reply(response, 502, { error: error.message, code: error.code })
                : reply(response, 400, { error: 'unreadable JSON body' }),
        );
      return;
    }
    reply(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stepMs = options.stepMs ?? 20;
  const byAddress = outcomeByAddress(stepMs);
  const sandbox = await startSandbox({
    webhooks: {
      urls: {
        sendgrid: `${url}/webhooks/sendgrid`,
        ses: `${url}/webhooks/ses`,
        postmark: `${url}/webhooks/postmark`,
      },
      stepMs,
      // `greylist…@` recipients are greylisted from a new IP on every try of the rotating-IP
      // providers; Postmark's dedicated IP comes back from the same address and gets through.
      outcome: (message, recipient) =>
        message.provider === 'postmark' && recipient.toLowerCase().startsWith('greylist')
          ? [
              {
                type: 'delivered',
                afterMs: stepMs,
                smtpReply: '250 2.0.0 Ok: queued',
                attempt: 2,
                sendingIp: '203.0.113.25',
              },
            ]
          : byAddress(message, recipient),
    },
  });
  const { endpoints, credentials, webhooks } = sandbox;
  mailer = createMailer({
    providers: [
      sendgrid({
        apiKey: credentials.sendgrid.apiKey,
        endpoint: endpoints.sendgrid,
        timeoutMs: 10_000,
        ...webhooks.adapterOptions.sendgrid,
      }),
      ses({
        region: credentials.ses.region,
        credentials: credentials.ses,
        endpoint: endpoints.ses,
        timeoutMs: 10_000,
        ...webhooks.adapterOptions.ses(),
      }),
      postmark({
        ip: 'fixed', // a Postmark server on a dedicated IP: where greylisted mail is re-sent
        serverToken: credentials.postmark.serverToken,
        endpoint: endpoints.postmark,
        timeoutMs: 10_000,
        ...webhooks.adapterOptions.postmark,
      }),
    ],
    retry: { retries: 1, minDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 2_000 },
    breaker: { failureThreshold: 3, cooldownMs: 5_000 },
    greylisting: { deferrals: 2 },
  });
  const uninstrument = instrument(mailer, { meterProvider });

  return {
    mailer,
    sandbox,
    url,
    metricsUrl: `${url}/metrics`,
    async close() {
      uninstrument();
      await mailer?.close();
      await sandbox.close();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function reply(response: import('node:http').ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
