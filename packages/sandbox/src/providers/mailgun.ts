/**
 * A stand-in for Mailgun's Messages API (`POST /v3/:domain/messages`), answering as the real API
 * does (docs/providers/mailgun.md): Basic auth `api:<key>`, a 401 plain-text `Forbidden`, a 404 JSON
 * `Domain not found`, 400 `{"message": …}` validation errors, and `200 {id, message}` on success.
 */
import type {
  Fault,
  ProviderSimulator,
  SandboxRequest,
  SandboxResponse,
  SimulatorContext,
} from '../types.js';
import { readMailgunForm } from './mailgun-form.js';

const MESSAGES_PATH = /^\/v3\/([^/?]+)\/messages\/?(?:\?.*)?$/;
/** Mailgun refuses more recipients than this in one request (`Too many recipients; max is 1000`). */
const MAX_RECIPIENTS = 1000;

export const mailgunSimulator: ProviderSimulator = {
  kind: 'mailgun',
  handle: handleMailgun,
  renderFault: renderMailgunFault,
};

async function handleMailgun(request: SandboxRequest, context: SimulatorContext): Promise<SandboxResponse> {
  const path = request.path.split('?')[0];
  // What the real API answers at its root; mailgun.js turns it into an `Incorrect url` error.
  if (request.method === 'GET' && (path === '/' || path === '')) return plain(200, 'Mailgun Magnificent API');
  if (!isAuthorized(request.headers.authorization, context.credentials.mailgun.apiKey)) {
    return plain(401, 'Forbidden');
  }
  const route = MESSAGES_PATH.exec(request.path);
  if (!route) return json(404, { message: 'Not Found' });
  if (request.method !== 'POST') return json(405, { message: 'Method Not Allowed' });
  const domain = decodeURIComponent(route[1]!);
  if (domain !== context.credentials.mailgun.domain)
    return json(404, { message: `Domain not found: ${domain}` });

  const contentType = headerValue(request.headers['content-type']);
  const form = await readMailgunForm(request.body, contentType);
  if (!form) return json(400, { message: 'from parameter is missing' });
  if (form.from.length === 0) return json(400, { message: 'from parameter is missing' });
  const recipients = [...form.to, ...form.cc, ...form.bcc];
  if (form.to.length === 0) return json(400, { message: 'to parameter is missing' });
  const invalid = recipients.find((recipient) => !/^[^@\s]+@[^@\s]+$/.test(recipient.address));
  if (invalid) {
    return json(400, { message: `to parameter is not a valid address. please check documentation` });
  }
  if (recipients.length > MAX_RECIPIENTS) {
    return json(400, { message: `Too many recipients; max is ${MAX_RECIPIENTS}` });
  }
  if (form.text === undefined && form.html === undefined && form.template === undefined) {
    return json(400, { message: "Need at least one of 'text' or 'html' parameters specified" });
  }

  // Mailgun keeps a Message-Id set with `h:Message-Id` and answers with it, in angle brackets.
  const providerMessageId = form.messageId
    ? withAngleBrackets(form.messageId)
    : `<${timestampId(context.now())}.${context.newId()}@${domain}>`;
  context.accept({
    providerMessageId,
    from: form.from[0]!,
    to: form.to,
    cc: form.cc,
    bcc: form.bcc,
    replyTo: form.replyTo,
    subject: form.subject,
    ...(form.text !== undefined ? { text: form.text } : {}),
    ...(form.html !== undefined ? { html: form.html } : {}),
    headers: form.headers,
    ...(form.messageId !== undefined ? { messageId: form.messageId } : {}),
    attachments: form.attachments,
    tags: form.tags,
    metadata: form.metadata,
    ...(form.ipPool !== undefined ? { ipPool: form.ipPool } : {}),
    raw: form.raw,
  });
  return json(200, { id: providerMessageId, message: 'Queued. Thank you.' });
}

/**
 * Mailgun's answers to each fault. Statuses and texts follow docs/providers/mailgun.md; where Mailgun
 * documents no exact body (402 quota, suspended account) the text follows its
 * `Domain X is not allowed to send: <reason>` pattern.
 */
function renderMailgunFault(fault: Fault, request: SandboxRequest): SandboxResponse {
  const domain = decodeURIComponent(MESSAGES_PATH.exec(request.path)?.[1] ?? 'example.com');
  switch (fault.kind) {
    case 'outage':
      return {
        status: 503,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n',
      };
    case 'server_error':
      return json(500, { message: 'Internal Server Error' });
    case 'rate_limited': {
      const seconds = fault.retryAfterSeconds ?? 1;
      // The SDK drops response headers, so the body's "try again after" date is what callers see.
      const after = new Date(Date.now() + seconds * 1000).toUTCString().replace('GMT', 'UTC');
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(seconds) },
        body: JSON.stringify({
          message: `Domain ${domain} is not allowed to send: request limit exceeded, try again after ${after}`,
        }),
      };
    }
    case 'malformed':
      return {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>Mailgun</title></head><body>Please wait…</body></html>',
      };
    case 'quota_exhausted':
      return json(402, {
        message: `Domain ${domain} is not allowed to send: monthly message limit exceeded`,
      });
    case 'account_suspended':
      return json(403, { message: `Domain ${domain} is not allowed to send: Account disabled` });
    case 'message_too_large':
      return json(413, { message: 'request size exceeds 52.4MiB limit' });
    case 'hang':
    case 'reset':
    case 'accept_then_reset':
    case 'accept_then_hang':
      // The server handles these itself; answer like an outage if one ever reaches here.
      return json(503, { message: 'Service Unavailable' });
  }
}

export function isAuthorized(header: string | undefined, apiKey: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8');
  return decoded === `api:${apiKey}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withAngleBrackets(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** `20111114174239`, as in Mailgun's own ids. */
function timestampId(now: number): string {
  return new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function json(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function plain(status: number, body: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
