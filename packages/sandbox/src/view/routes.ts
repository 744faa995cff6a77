/**
 * The web view and its HTTP API (docs/sandbox-view.md): the page at the sandbox's base URL, the
 * messages and their timelines as JSON, the message HTML on its own locked-down route, attachment
 * downloads, the fault controls, and a server-sent event stream. Everything here answers only
 * requests addressed to a loopback host name, so a web page elsewhere cannot read it through DNS
 * rebinding; changes need JSON bodies or PUT/DELETE, which another origin cannot send without a
 * CORS preflight this server never grants.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from '../faults.js';
import { type AcceptedMessage, SANDBOX_PROVIDERS, type SandboxProviderKind } from '../types.js';
import { FaultInputError, parseFaultInput } from './fault-input.js';
import type { Journal, JournalEvent } from './journal.js';
import { buildTimeline } from './timeline.js';
import { writeAnswer } from '../write-answer.js';

/** What the routes read and change. */
export interface ViewContext {
  readonly journal: Journal;
  readonly faults: FaultPlan;
  readonly requests: Readonly<Record<SandboxProviderKind, number>>;
  readonly endpoints: () => Readonly<Record<SandboxProviderKind, string>>;
  readonly maxClients: number;
  readonly heartbeatMs: number;
  /** The address the server is bound to, also accepted as a Host. */
  readonly boundHost: () => string;
}

/** The page's own policy: no inline script or style, nothing from elsewhere, never framed. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The message HTML's policy: a sandbox (no script, opaque origin), no remote content at all. */
export const MESSAGE_CSP =
  "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'";

const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'view.js': 'text/javascript; charset=utf-8',
  'view.css': 'text/css; charset=utf-8',
};
const ASSET_DIR = new URL('../../web/', import.meta.url);
const assetCache = new Map<string, Buffer>();

/** Longest string shown in the raw request (attachments are base64 inside it). */
const RAW_STRING_LIMIT = 2_000;
const CONTROL_BODY_LIMIT = 16 * 1024;
/** A client that lets this much pile up unread is dropped. */
const SSE_BACKLOG_LIMIT = 1024 * 1024;

export class ViewRoutes {
  private readonly clients = new Set<ServerResponse>();

  constructor(private readonly context: ViewContext) {}

  /** Connected event-stream clients. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Answer `/` or `/_sandbox/<path>`; false when the path is not the view's. */
  async handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    const method = request.method ?? 'GET';
    if (!this.hostAllowed(request.headers.host)) {
      writeAnswer(response, {
        status: 403,
        body: {
          error: 'the sandbox view answers only requests to a loopback host (127.0.0.1, localhost, [::1])',
        },
      });
      return true;
    }
    if (path === '' && method === 'GET') return this.asset(response, 'index.html');
    const asset = /^assets\/([a-z.]+)$/.exec(path);
    if (asset && method === 'GET') return this.asset(response, asset[1]!);
    if (path === 'events' && method === 'GET') return this.events(request, response);
    if (path === 'inbox' && method === 'GET') return json(response, 200, this.inbox());
    if (path === 'providers' && method === 'GET') return json(response, 200, this.providers());
    if (path === 'journal' && method === 'GET') {
      const since = Number(new URL(request.url ?? '/', 'http://sandbox').searchParams.get('since') ?? 0);
      return json(
        response,
        200,
        this.context.journal.all().filter((event) => event.seq > (Number.isFinite(since) ? since : 0)),
      );
    }
    const message = /^messages\/(\d{1,9})(?:\/(html|timeline|attachments\/(\d{1,4})))?$/.exec(path);
    if (message && method === 'GET') {
      const id = Number(message[1]);
      const found = this.context.journal.message(id);
      if (!found) return json(response, 404, { error: `no accepted message with id ${id}` });
      if (message[2] === 'html') return this.html(response, found);
      if (message[2] === 'timeline')
        return json(response, 200, buildTimeline(this.context.journal.about(found), found.messageId));
      if (message[3] !== undefined) return this.attachment(response, found, Number(message[3]));
      return json(response, 200, this.detail(id, found));
    }
    if (path === 'faults' || path.startsWith('faults/')) return this.faultControl(request, response, path);
    return false;
  }

  /** Drop every event-stream client (the sandbox is closing). */
  close(): void {
    for (const client of this.clients) client.destroy();
    this.clients.clear();
  }

  private hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
    const bound = this.context.boundHost();
    return (
      name === 'localhost' ||
      name === '[::1]' ||
      /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ||
      name === bound ||
      name === `[${bound}]`
    );
  }

  private async asset(response: ServerResponse, name: string): Promise<boolean> {
    const type = ASSETS[name];
    if (!type) return json(response, 404, { error: `no asset ${name}` });
    let content = assetCache.get(name);
    if (!content) {
      content = await readFile(new URL(name, ASSET_DIR));
      assetCache.set(name, content);
    }
    writeAnswer(response, {
      status: 200,
      headers: {
        'content-type': type,
        'content-security-policy': PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      },
      body: content,
    });
    return true;
  }

  private inbox(): unknown[] {
    const status = deliveryStatus(this.context.journal.all());
    return this.context.journal.messages().map(({ id, message }) => ({
      id,
      time: message.receivedAt,
      provider: message.provider,
      from: message.from,
      to: [...message.to, ...message.cc, ...message.bcc].map((address) => address.address),
      subject: message.subject,
      status: status.get(id) ?? 'accepted',
      ...(message.messageId ? { messageId: message.messageId } : {}),
      attachments: message.attachments.length,
    }));
  }

  private detail(id: number, message: AcceptedMessage): unknown {
    const { journal } = this.context;
    const call = journal.all().find((event) => event.type === 'call' && event.acceptedId === id);
    const copies = message.messageId
      ? journal
          .messages()
          .filter((entry) => entry.message.messageId === message.messageId)
          .map((entry) => ({ id: entry.id, provider: entry.message.provider }))
      : [{ id, provider: message.provider }];
    return {
      id,
      provider: message.provider,
      providerMessageId: message.providerMessageId,
      ...(message.messageId ? { messageId: message.messageId } : {}),
      receivedAt: message.receivedAt,
      from: message.from,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      replyTo: message.replyTo,
      subject: message.subject,
      ...(message.text !== undefined ? { text: message.text } : {}),
      hasHtml: message.html !== undefined,
      headers: message.headers,
      attachments: message.attachments.map((attachment, index) => ({
        index,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.content.length,
        ...(attachment.cid ? { cid: attachment.cid } : {}),
      })),
      tags: message.tags,
      metadata: message.metadata,
      ...(message.ipPool ? { ipPool: message.ipPool } : {}),
      request:
        call?.type === 'call'
          ? { method: call.method, path: call.path, status: call.status, outcome: call.outcome }
          : null,
      raw: truncateStrings(message.raw),
      copies,
    };
  }

  private html(response: ServerResponse, message: AcceptedMessage): boolean {
    writeAnswer(response, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': MESSAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      },
      body: inlineCidImages(message.html ?? '', message),
    });
    return true;
  }

  private attachment(response: ServerResponse, message: AcceptedMessage, index: number): boolean {
    const attachment = message.attachments[index];
    if (!attachment) return json(response, 404, { error: `the message has no attachment ${index}` });
    writeAnswer(response, {
      status: 200,
      headers: {
        // Always a download, never rendered in the view's origin.
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${asciiFilename(attachment.filename)}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        'content-security-policy': MESSAGE_CSP,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
      body: attachment.content,
    });
    return true;
  }

  private providers(): unknown[] {
    const endpoints = this.context.endpoints();
    return SANDBOX_PROVIDERS.map((kind) => ({
      kind,
      endpoint: endpoints[kind],
      requests: this.context.requests[kind],
      ...this.context.faults.describe(kind),
    }));
  }

  private async faultControl(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<boolean> {
    const method = request.method ?? 'GET';
    const [, name, next] = path.split('/');
    if (path === 'faults') {
      if (method === 'GET')
        return json(
          response,
          200,
          Object.fromEntries(SANDBOX_PROVIDERS.map((kind) => [kind, this.context.faults.describe(kind)])),
        );
      if (method === 'DELETE') {
        this.context.faults.clear();
        response.writeHead(204).end();
        return true;
      }
      return json(response, 405, { error: `${method} /_sandbox/faults: use GET or DELETE` });
    }
    const kind = SANDBOX_PROVIDERS.find((candidate) => candidate === name);
    if (!kind)
      return json(response, 404, {
        error: `no provider "${name}"; use one of ${SANDBOX_PROVIDERS.join(', ')}`,
        field: 'provider',
      });
    if (next !== undefined && next !== 'next') return false;
    if (method === 'DELETE' && next === undefined) {
      this.context.faults.clear(kind);
      return json(response, 200, this.context.faults.describe(kind));
    }
    const wanted = next === undefined ? 'PUT' : 'POST';
    if (method !== wanted)
      return json(response, 405, {
        error: `${method} /_sandbox/${path}: use ${next === undefined ? 'PUT to set a standing fault, DELETE to clear' : 'POST to queue one-shot faults'}`,
      });
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
      return json(response, 415, { error: 'send the fault as JSON with Content-Type: application/json' });
    const body = await readLimited(request, CONTROL_BODY_LIMIT);
    if (body === null) return json(response, 413, { error: `the body is over ${CONTROL_BODY_LIMIT} bytes` });
    try {
      const fault = parseFaultInput(body);
      if (next === undefined) this.context.faults.set(kind, fault);
      else {
        if (fault.rate !== undefined)
          throw new FaultInputError(
            'rate',
            'a one-shot fault applies to the next request exactly; leave rate out',
          );
        this.context.faults.next(kind, fault);
      }
    } catch (error) {
      if (error instanceof FaultInputError)
        return json(response, 400, { error: error.message, field: error.field });
      throw error;
    }
    return json(response, 200, this.context.faults.describe(kind));
  }

  private events(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.clients.size >= this.context.maxClients) {
      writeAnswer(response, {
        status: 503,
        headers: { 'retry-after': '5' },
        body: { error: `at most ${this.context.maxClients} event-stream clients; close a view and retry` },
      });
      return true;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    response.write('retry: 2000\n\n');
    this.clients.add(response);
    const write = (chunk: string) => {
      if (response.writableLength > SSE_BACKLOG_LIMIT) {
        response.destroy();
        return;
      }
      response.write(chunk);
    };
    const unsubscribe = this.context.journal.subscribe((event: JournalEvent) =>
      write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), this.context.heartbeatMs);
    heartbeat.unref();
    const done = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.clients.delete(response);
    };
    request.on('close', done);
    response.on('close', done);
    return true;
  }
}

/** Each copy's status from its webhooks: the worst of its recipients' latest events. */
function deliveryStatus(events: readonly JournalEvent[]): Map<number, string> {
  const latest = new Map<number, Map<string, string>>();
  for (const event of events) {
    if (event.type !== 'webhook' || event.id === undefined) continue;
    const recipients = latest.get(event.id) ?? new Map<string, string>();
    recipients.set(event.recipient, event.event);
    latest.set(event.id, recipients);
  }
  const rank = ['delivered', 'deferred', 'dropped', 'bounced'];
  const status = new Map<number, string>();
  for (const [id, recipients] of latest) {
    const worst = [...recipients.values()].reduce((a, b) => (rank.indexOf(b) > rank.indexOf(a) ? b : a));
    status.set(id, worst);
  }
  return status;
}

/** `cid:` images of the message's own inline attachments become data: URLs (nothing remote loads). */
function inlineCidImages(html: string, message: AcceptedMessage): string {
  if (!html.includes('cid:')) return html;
  return html.replace(/cid:([^"'\s)>]+)/gi, (whole, cid: string) => {
    const attachment = message.attachments.find((candidate) => candidate.cid === cid);
    if (!attachment || !/^image\/[a-z0-9.+-]+$/i.test(attachment.contentType)) return whole;
    if (attachment.content.length > 2 * 1024 * 1024) return whole;
    return `data:${attachment.contentType};base64,${attachment.content.toString('base64')}`;
  });
}

function truncateStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > RAW_STRING_LIMIT
      ? `${value.slice(0, RAW_STRING_LIMIT)}… (${value.length - RAW_STRING_LIMIT} more characters)`
      : value;
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  if (depth > 20 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => truncateStrings(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, truncateStrings(item, depth + 1)]),
  );
}

function asciiFilename(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}

function readLimited(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): true {
  writeAnswer(response, { status, headers: { 'cache-control': 'no-store' }, body });
  return true;
}
