/**
 * The Postmark Email API as the official `postmark` SDK (5.x) sees it: `POST /email` and
 * `POST /email/batch`, the `X-Postmark-Server-Token` header, JSON bodies in PascalCase, and
 * `{ ErrorCode, Message }` errors (docs/providers/postmark.md).
 */
import { randomUUID } from 'node:crypto';
import type {
  Fault,
  ProviderSimulator,
  SandboxRequest,
  SandboxResponse,
  SimulatorContext,
} from '../types.js';
import { isApiError, type PostmarkApiError, readPostmarkMessage } from './postmark-request.js';

/** Largest `/email` request (10 MB) and `/email/batch` request (50 MB), per Postmark's size-limit article. */
const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
const MAX_BATCH_BYTES = 50 * 1024 * 1024;
/** Most messages in one batch call. */
const MAX_BATCH_MESSAGES = 500;

export const postmarkSimulator: ProviderSimulator = {
  kind: 'postmark',
  handle: handlePostmark,
  renderFault: renderPostmarkFault,
};

function handlePostmark(request: SandboxRequest, context: SimulatorContext): SandboxResponse {
  const path = request.path.split('?')[0];
  const batch = path === '/email/batch';
  if (request.method !== 'POST' || (path !== '/email' && !batch)) {
    return { status: 404, body: { ErrorCode: 0, Message: `No such endpoint: ${request.method} ${path}` } };
  }

  const token = headerValue(request, 'x-postmark-server-token');
  if (token === undefined || token.trim() === '') {
    return apiError(401, {
      ErrorCode: 10,
      Message:
        'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.',
    });
  }
  if (token.trim() !== context.credentials.postmark.serverToken) {
    return apiError(401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
  }

  if (!(headerValue(request, 'content-type') ?? '').toLowerCase().includes('application/json')) {
    // Postmark answers a wrong Content-Type with 415; ErrorCode 409 is its "JSON required".
    return apiError(415, {
      ErrorCode: 409,
      Message: 'JSON data required. Please send the request with a Content-Type of application/json.',
    });
  }
  if (request.body.length > (batch ? MAX_BATCH_BYTES : MAX_EMAIL_BYTES)) {
    return renderPostmarkFault({ kind: 'message_too_large' });
  }

  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    return apiError(422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
  }

  if (!batch) {
    const result = sendOne(body, context);
    return isApiError(result) ? apiError(422, result) : { status: 200, body: result };
  }
  if (!Array.isArray(body)) {
    return apiError(422, { ErrorCode: 403, Message: 'Incompatible JSON: a batch is an array of messages.' });
  }
  if (body.length > MAX_BATCH_MESSAGES) {
    return apiError(422, {
      ErrorCode: 410,
      Message: `Too many batch messages: at most ${MAX_BATCH_MESSAGES} messages per call.`,
    });
  }
  // A batch answers 200 with one result per message, errors included.
  return { status: 200, body: body.map((message) => sendOne(message, context)) };
}

/** Accept one message, or say why not, in the shape of one `/email` answer. */
function sendOne(body: unknown, context: SimulatorContext): Record<string, unknown> | PostmarkApiError {
  const draft = readPostmarkMessage(body);
  if (isApiError(draft)) return draft;
  const accepted = context.accept({ ...draft, providerMessageId: randomUUID() });
  return {
    To: (body as Record<string, unknown>).To,
    SubmittedAt: new Date(context.now()).toISOString(),
    MessageID: accepted.providerMessageId,
    ErrorCode: 0,
    Message: 'OK',
  };
}

function renderPostmarkFault(fault: Fault): SandboxResponse {
  switch (fault.kind) {
    case 'outage':
      return html(503, 'Service Unavailable');
    case 'rate_limited':
      // Postmark documents no rate-limit headers; Retry-After is what the fault plan asks for.
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        body: { ErrorCode: 429, Message: 'Rate limit exceeded. Please slow down and retry later.' },
      };
    case 'malformed':
      return html(200, 'Welcome', 'This is not the Postmark API.');
    case 'quota_exhausted':
      // ErrorCode 405 "Not allowed to send": Postmark's answer when the account is out of credits.
      return apiError(422, {
        ErrorCode: 405,
        Message:
          'Not allowed to send: your account has run out of credits. Purchase more to continue sending.',
      });
    case 'account_suspended':
      return apiError(422, {
        ErrorCode: 413,
        Message: 'Account may not send: sending has been disabled for this account. Contact support.',
      });
    case 'message_too_large':
      // The size limit is enforced in front of the API: an HTML 413 without an ErrorCode.
      return html(413, 'Request Entity Too Large');
    default:
      return html(500, 'Internal Server Error');
  }
}

function apiError(status: number, error: PostmarkApiError): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: error };
}

function html(status: number, title: string, text = title): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\n<head><title>${status} ${title}</title></head>\n<body>\n<center><h1>${text}</h1></center>\n</body>\n</html>\n`,
  };
}

function headerValue(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
