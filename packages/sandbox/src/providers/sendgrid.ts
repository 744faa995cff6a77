/**
 * SendGrid v3 Mail Send, as the official @sendgrid/mail SDK sees it: `POST /v3/mail/send` with a
 * Bearer key, 202 with an empty body and an `X-Message-Id` header, and SendGrid's
 * `{"errors":[{field, message, help}]}` bodies (docs/providers/sendgrid.md).
 */
import type { Fault, ProviderSimulator, SandboxResponse } from '../types.js';
import { parseSendGridRequest, type SendGridErrorEntry } from './sendgrid-request.js';

/** Headers the real API puts on every answer (the CORS refusal is SendGrid's own). */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  server: 'nginx',
  'access-control-allow-origin': 'https://sendgrid.api-docs.io',
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'Authorization, Content-Type, On-behalf-of, x-sg-elas-acl',
  'access-control-max-age': '600',
  'x-no-cors-reason': 'https://sendgrid.com/docs/Classroom/Basics/API/cors.html',
  'strict-transport-security': 'max-age=600; includeSubDomains',
};

/** The account's request budget the sandbox reports in X-RateLimit-Limit. */
const RATE_LIMIT = 600;

function errors(status: number, ...entries: SendGridErrorEntry[]): SandboxResponse {
  return { status, headers: COMMON_HEADERS, body: { errors: entries } };
}

const entry = (message: string, field: string | null = null): SendGridErrorEntry => ({
  field,
  message,
  help: null,
});

/** SendGrid's edge (nginx) answers some failures with an HTML page, not JSON. */
function nginxPage(status: number, title: string): SandboxResponse {
  return {
    status,
    headers: { ...COMMON_HEADERS, 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Answer a fault the way SendGrid answers that situation. */
function renderSendGridFault(fault: Fault): SandboxResponse {
  switch (fault.kind) {
    case 'outage':
      return nginxPage(503, 'Service Temporarily Unavailable');
    case 'server_error':
      return errors(500, entry('internal error'));
    case 'rate_limited': {
      const seconds = fault.retryAfterSeconds ?? 1;
      return {
        status: 429,
        headers: {
          ...COMMON_HEADERS,
          'retry-after': String(seconds),
          'x-ratelimit-limit': String(RATE_LIMIT),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds),
        },
        body: { errors: [entry('too many requests')] },
      };
    }
    case 'malformed':
      // A captive portal or misrouted proxy: 200, HTML, no X-Message-Id.
      return {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>Welcome</h1><p>Please sign in to continue.</p></body></html>',
      };
    case 'quota_exhausted':
      // SendGrid's support article "4XX API Errors": 401 "Maximum credits exceeded".
      return errors(401, entry('Maximum credits exceeded'));
    case 'account_suspended':
      return errors(403, entry('You are not authorized to access SendGrid, please contact Support.'));
    case 'message_too_large':
      return nginxPage(413, 'Request Entity Too Large');
    default:
      // hang and reset are performed by the server itself; anything new is an outage.
      return nginxPage(503, 'Service Temporarily Unavailable');
  }
}

export const sendgridSimulator: ProviderSimulator = {
  kind: 'sendgrid',
  handle(request, context) {
    const path = request.path.split('?')[0];
    if (path !== '/v3/mail/send') return errors(404, entry('resource not found'));
    if (request.method !== 'POST') return errors(405, entry('method not allowed'));

    const authorization = headerValue(request.headers.authorization);
    if (!authorization) return errors(401, entry('authorization required'));
    if (authorization !== `Bearer ${context.credentials.sendgrid.apiKey}`) {
      return errors(401, entry('The provided authorization grant is invalid, expired, or revoked'));
    }

    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return errors(400, entry('Bad Request'));
    }
    const parsed = parseSendGridRequest(body);
    if (!parsed.ok) return errors(400, parsed.error);

    const accepted = context.accept({ ...parsed.message, providerMessageId: context.newId() });
    return { status: 202, headers: { ...COMMON_HEADERS, 'x-message-id': accepted.providerMessageId } };
  },
  renderFault: renderSendGridFault,
};
