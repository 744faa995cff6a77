import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '@mailover/core';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_POSTMARK_ACCOUNT_TOKEN, domainApis, type SandboxDomain } from './domains/index.js';
import { FaultPlan, seededRandom } from './faults.js';
import { simulators } from './providers/index.js';
import { type CallOutcome, Journal } from './view/journal.js';
import { sniffMessageId } from './view/message-id-sniff.js';
import { ViewRoutes } from './view/routes.js';
import { writeAnswer } from './write-answer.js';
import {
  generateSandboxWebhookKeys,
  type SandboxWebhookKeys,
  type SandboxWebhookOptions,
  WebhookDispatcher,
  type WebhookDelivery,
} from './webhook-dispatch.js';
import {
  type AcceptedMessage,
  type FaultKind,
  SANDBOX_PROVIDERS,
  type SandboxCredentials,
  type SandboxProviderKind,
  type SandboxResponse,
  type SandboxSuppression,
  type SimulatorContext,
} from './types.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Port to listen on. Default 0 (any free port). */
  readonly port?: number;
  /** Loopback address to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Credentials the sandbox accepts. Defaults are fixed, recognisable fakes. */
  readonly credentials?: Partial<SandboxCredentials>;
  /** Seed for fault rates. Default 1. */
  readonly seed?: number;
  /** Largest request body accepted, bytes. Default 40 MiB. */
  readonly maxBodyBytes?: number;
  /** POST signed delivery events for accepted messages, in each provider's real format. Default: off. */
  readonly webhooks?: SandboxWebhookOptions;
  /** Sending domains the providers' domain and identity APIs report (SendGrid domain authentication, SES identities, Mailgun domains, Postmark domains). Default: none. */
  readonly domains?: readonly SandboxDomain[];
  /** The web view at the base URL (docs/sandbox-view.md): how much it remembers and how many live clients it serves. */
  readonly view?: SandboxViewOptions;
}

/** Limits of the web view and its event stream. */
export interface SandboxViewOptions {
  /** Events kept for timelines (API calls, acceptances, webhooks, fault changes); the oldest go first. Default 10 000. */
  readonly maxEvents?: number;
  /** Event-stream (SSE) clients served at once; more get 503. Default 16. */
  readonly maxClients?: number;
  /** Heartbeat comment on each event stream, ms. Default 15 000. */
  readonly heartbeatMs?: number;
}

/** The sandbox's webhook side: its signing keys, the options that make each adapter verify them, what it sent. */
export interface SandboxWebhooks {
  /** The keys every webhook is signed with (public and private halves). */
  readonly keys: SandboxWebhookKeys;
  /** Spread into each adapter's options to verify the sandbox's signed webhooks. */
  readonly adapterOptions: {
    /** For `sendgrid({ ... })`: the Signed Event Webhook's public key. */
    readonly sendgrid: { readonly webhookPublicKey: string };
    /** For `mailgun({ ... })`: the HTTP webhook signing key. */
    readonly mailgun: { readonly webhookSigningKey: string };
    /** For `resend({ ... })`: the webhook's signing secret (`whsec_…`). */
    readonly resend: { readonly webhookSecret: string };
    /** For `postmark({ ... })`: the basic-auth credentials the webhook URL carries. */
    readonly postmark: { readonly webhookAuth: { readonly username: string; readonly password: string } };
    /** A function: SES keys need `openssl`, so they are made on first use. */
    readonly ses: () => {
      readonly webhook: {
        readonly fetchCertificate: (url: string) => Promise<string>;
        readonly issuerCertificates: readonly string[];
        readonly topicArns: readonly string[];
      };
    };
  };
  /** Every webhook POST made so far. */
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves when every scheduled event has been POSTed. */
  settled(): Promise<void>;
}

/** A running sandbox: where to point each SDK, what it accepted, and the fault plan. */
export interface Sandbox {
  /** Base URLs to give each adapter's `endpoint` option. */
  readonly endpoints: Readonly<Record<SandboxProviderKind, string>>;
  /** The credentials it accepts; give them to the adapters. */
  readonly credentials: SandboxCredentials;
  /** The sandbox's own base URL: the web view is here, `/_sandbox/messages` lists accepted messages over HTTP. */
  readonly url: string;
  /** Everything the web view shows (calls, acceptances, webhooks, fault changes), bounded. */
  readonly journal: Journal;
  /** Messages accepted so far, oldest first. */
  readonly messages: readonly AcceptedMessage[];
  /** Requests received per provider (faulted ones included). */
  readonly requests: Readonly<Record<SandboxProviderKind, number>>;
  /** Script faults per provider. */
  readonly faults: FaultPlan;
  /** Each provider's own suppression list (push entries to seed it); its API lists them, paged. */
  readonly suppressions: Record<SandboxProviderKind, SandboxSuppression[]>;
  /** Webhook keys, adapter options to verify them, and the POSTs made so far. */
  readonly webhooks: SandboxWebhooks;
  /** Forget accepted messages and request counts. */
  reset(): void;
  /** Stop listening, drop open connections and pending webhook deliveries. */
  close(): Promise<void>;
}

/** The credentials a sandbox accepts unless `credentials` says otherwise: obvious fakes, never real keys. */
export const DEFAULT_CREDENTIALS: SandboxCredentials = {
  sendgrid: { apiKey: 'SG.sandbox-api-key' },
  ses: {
    region: 'us-east-1',
    accessKeyId: 'AKIASANDBOXKEY000000',
    secretAccessKey: 'sandbox-secret-access-key',
  },
  mailgun: { apiKey: 'key-sandbox', domain: 'mg.sandbox.test' },
  postmark: { serverToken: 'sandbox-server-token', accountToken: DEFAULT_POSTMARK_ACCOUNT_TOKEN },
  resend: { apiKey: 're_sandbox_api_key' },
};

/** Start the sandbox on loopback. Resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials: SandboxCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const maxBodyBytes = options.maxBodyBytes ?? 40 * 1024 * 1024;
  const domains = (options.domains ?? []).map((domain) => ({ ...domain, name: domain.name.toLowerCase() }));
  const messages: AcceptedMessage[] = [];
  const requests = Object.fromEntries(SANDBOX_PROVIDERS.map((kind) => [kind, 0])) as Record<
    SandboxProviderKind,
    number
  >;
  const journal = new Journal(viewLimit(options.view?.maxEvents, 'maxEvents', 10_000));
  const faults = new FaultPlan(seededRandom(options.seed ?? 1), (provider) =>
    journal.record({ type: 'faults', ...(provider ? { provider } : {}) }),
  );
  const sockets = new Set<Socket>();
  const keys = generateSandboxWebhookKeys();
  const dispatcher = new WebhookDispatcher(options.webhooks ?? { urls: {} }, keys, (delivery) =>
    journal.webhook(delivery),
  );

  const suppressions = Object.fromEntries(SANDBOX_PROVIDERS.map((kind) => [kind, []])) as unknown as Record<
    SandboxProviderKind,
    SandboxSuppression[]
  >;
  const contextFor = (kind: SandboxProviderKind): SimulatorContext => ({
    credentials,
    suppressions,
    now: Date.now,
    newId: () => randomBytes(11).toString('hex'),
    accept(message) {
      const accepted: AcceptedMessage = { ...message, provider: kind, receivedAt: Date.now() };
      messages.push(accepted);
      journal.accepted(accepted);
      dispatcher.dispatch(accepted);
      return accepted;
    },
  });
  const contexts = Object.fromEntries(SANDBOX_PROVIDERS.map((kind) => [kind, contextFor(kind)])) as Record<
    SandboxProviderKind,
    SimulatorContext
  >;

  let boundAddress = '';
  const view = new ViewRoutes({
    journal,
    faults,
    requests,
    endpoints: () => sandbox.endpoints,
    maxClients: viewLimit(options.view?.maxClients, 'maxClients', 16),
    heartbeatMs: viewLimit(options.view?.heartbeatMs, 'heartbeatMs', 15_000),
    boundHost: () => boundAddress,
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) writeAnswer(response, { status: 500, body: { error: String(error) } });
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const [, prefix = '', ...rest] = url.pathname.split('/');
    if (prefix === '' && rest.length === 0) {
      if (await view.handle(request, response, '')) return;
    }
    if (prefix === 'favicon.ico' && rest.length === 0) return writeAnswer(response, { status: 204 });
    if (prefix === '_sandbox') {
      if (await view.handle(request, response, rest.join('/'))) return;
      return control(request, response, rest.join('/'));
    }
    const kind = SANDBOX_PROVIDERS.find((candidate) => candidate === prefix);
    if (!kind)
      return writeAnswer(response, { status: 404, body: { error: `no sandbox provider at /${prefix}` } });
    const started = Date.now();
    const method = request.method ?? 'GET';
    const path = `/${rest.join('/')}`;
    const body = await readBody(request, maxBodyBytes);
    if (body === null) {
      const answer = simulators[kind].renderFault({ kind: 'message_too_large' }, emptyRequest);
      journal.record({
        type: 'call',
        provider: kind,
        method,
        path,
        outcome: 'answered',
        status: answer.status,
        fault: 'message_too_large',
        durationMs: Date.now() - started,
        time: started,
      });
      return writeAnswer(response, answer);
    }
    requests[kind] += 1;
    const simulatorRequest = { method, path: `${path}${url.search}`, headers: request.headers, body };
    // A context of this request's own, so the call is linked to the copy it made the provider accept.
    let acceptedId: number | undefined;
    const context: SimulatorContext = {
      ...contexts[kind],
      accept(message) {
        const accepted = contexts[kind].accept(message);
        acceptedId = journal.idOf(accepted);
        return accepted;
      },
    };
    const messageId = body.length > 0 ? sniffMessageId(body) : undefined;
    const recordCall = (outcome: CallOutcome, answer?: SandboxResponse, fault?: FaultKind) => {
      const retryAfter = answer ? Number(headerOf(answer, 'retry-after')) : Number.NaN;
      journal.record({
        type: 'call',
        provider: kind,
        method,
        path,
        ...(messageId ? { messageId } : {}),
        outcome,
        ...(answer ? { status: answer.status } : {}),
        ...(fault ? { fault } : {}),
        ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
        ...(acceptedId === undefined ? {} : { acceptedId }),
        durationMs: Date.now() - started,
        time: started,
      });
    };
    const fault = faults.take(kind);
    if (fault?.kind === 'hang') {
      recordCall('hang', undefined, fault.kind);
      return; // keep the socket open, never answer
    }
    if (fault?.kind === 'reset') {
      recordCall('reset', undefined, fault.kind);
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'accept_then_reset' || fault?.kind === 'accept_then_hang') {
      // The provider took the message; only its answer is lost (docs/queue.md, the ambiguous case).
      const answer = await simulators[kind].handle(simulatorRequest, context);
      if (answer.status >= 300) {
        recordCall('answered', answer);
        return writeAnswer(response, answer); // refused: there is nothing to lose
      }
      recordCall(fault.kind, undefined, fault.kind);
      if (fault.kind === 'accept_then_reset') request.socket.destroy();
      return; // accept_then_hang: keep the socket open, never answer
    }
    const answer = fault
      ? simulators[kind].renderFault(fault, simulatorRequest)
      : (domainApis[kind](simulatorRequest, context, domains) ??
        (await simulators[kind].handle(simulatorRequest, context)));
    recordCall('answered', answer, fault?.kind);
    writeAnswer(response, answer);
  }

  function control(request: IncomingMessage, response: ServerResponse, path: string): void {
    if (path === 'messages' && request.method === 'GET') {
      writeAnswer(response, {
        status: 200,
        body: messages.map((message) => ({
          ...message,
          attachments: message.attachments.map((attachment) => ({
            ...attachment,
            content: attachment.content.toString('base64'),
          })),
        })),
      });
      return;
    }
    if (path === 'messages' && request.method === 'DELETE') {
      sandbox.reset();
      writeAnswer(response, { status: 204 });
      return;
    }
    writeAnswer(response, { status: 404, body: { error: 'unknown sandbox control path' } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  boundAddress = address.address;
  const base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const sandbox: Sandbox = {
    endpoints: {
      sendgrid: `${base}/sendgrid/`,
      ses: `${base}/ses`,
      mailgun: `${base}/mailgun`,
      postmark: `${base}/postmark`,
      resend: `${base}/resend`,
    },
    credentials,
    url: base,
    journal,
    messages,
    requests,
    faults,
    suppressions,
    webhooks: {
      keys,
      deliveries: dispatcher.deliveries,
      settled: () => dispatcher.settled(),
      adapterOptions: adapterOptionsFor(keys),
    },
    reset() {
      messages.length = 0;
      for (const kind of SANDBOX_PROVIDERS) requests[kind] = 0;
      journal.reset();
    },
    close() {
      dispatcher.close();
      view.close();
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
  return sandbox;
}

/** The adapter options that make each adapter verify webhooks signed with `keys`. */
export function adapterOptionsFor(keys: SandboxWebhookKeys): SandboxWebhooks['adapterOptions'] {
  return {
    sendgrid: { webhookPublicKey: keys.sendgrid.publicKey },
    mailgun: { webhookSigningKey: keys.mailgun.signingKey },
    postmark: { webhookAuth: { username: keys.postmark.username, password: keys.postmark.password } },
    resend: { webhookSecret: keys.resend.secret },
    ses: () => {
      const ses = keys.ses();
      return {
        webhook: {
          fetchCertificate: async (url: string) => {
            if (url !== ses.certificateUrl) throw new Error(`unexpected certificate URL ${url}`);
            return ses.certificatePem;
          },
          issuerCertificates: [ses.caCertificatePem],
          topicArns: [ses.topicArn],
        },
      };
    },
  };
}

/** A view limit: a whole number of at least 1, or the default when not given. */
function viewLimit(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ConfigurationError(
      `startSandbox: view.${name} must be a whole number of at least 1; got ${String(value)}. Leave it out for ${fallback}`,
    );
  return value;
}

function headerOf(answer: SandboxResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(answer.headers ?? {}))
    if (key.toLowerCase() === name) return value;
  return undefined;
}

const emptyRequest = { method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) };

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
