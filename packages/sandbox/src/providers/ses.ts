/**
 * Amazon SES v2 stand-in: `POST /v2/email/outbound-emails` (SendEmail) as `@aws-sdk/client-sesv2`
 * calls it, with SigV4 checking and restJson1 error answers (`x-amzn-ErrorType` + `{"message"}`), so
 * the SDK throws the same exception classes it throws against AWS.
 */
import { randomUUID } from 'node:crypto';
import type {
  Fault,
  ProviderSimulator,
  SandboxRequest,
  SandboxResponse,
  SimulatorContext,
} from '../types.js';
import { parseSendEmail, SES_MAX_MESSAGE_BYTES } from './ses-request.js';
import { amzDateMs, parseSigV4Authorization, verifySigV4 } from './ses-sigv4.js';

/** Where the sandbox server mounts this simulator; the SDK signs the full path, prefix included. */
const MOUNT_PREFIX = '/ses';
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** AWS refuses requests signed more than 15 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The namespace AWS appends to common (unmodelled) error types in `x-amzn-ErrorType`. */
const COMMON_ERROR_NAMESPACE = ':http://internal.amazon.com/coral/com.amazon.coral.service/';

export const sesSimulator: ProviderSimulator = {
  kind: 'ses',
  handle(request, context) {
    const pathname = request.path.split('?')[0];
    if (pathname !== SEND_EMAIL_PATH) {
      return awsError(404, 'UnknownOperationException', `No operation at ${pathname}.`, true);
    }
    if (request.method !== 'POST')
      return awsError(405, 'MethodNotAllowedException', 'Method not allowed.', true);
    const denied = checkSignature(request, context);
    if (denied) return denied;
    if (request.body.length > SES_MAX_MESSAGE_BYTES) return tooLarge(request.body.length);
    const parsed = parseSendEmail(request.body);
    if (!parsed.ok) return awsError(400, parsed.type, parsed.message);
    const providerMessageId = newMessageId(context);
    context.accept({ ...parsed.message, providerMessageId });
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
      body: JSON.stringify({ MessageId: providerMessageId }),
    };
  },
  renderFault(fault, request) {
    return renderSesFault(fault, request);
  },
};

/** How SES answers each injectable fault (hang and reset are the server's own). */
export function renderSesFault(fault: Fault, request: SandboxRequest): SandboxResponse {
  switch (fault.kind) {
    case 'outage':
      return awsError(503, 'ServiceUnavailable', 'Service Unavailable', true);
    case 'server_error':
      return awsError(500, 'InternalServiceErrorException', 'Internal service error.');
    case 'rate_limited':
      return awsError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.', false, {
        'retry-after': String(fault.retryAfterSeconds ?? 1),
      });
    case 'malformed':
      // A 200 the SDK cannot deserialize: what a captive proxy or a broken gateway answers.
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><body><h1>Gateway</h1><p>Request accepted.</p></body></html>',
      };
    case 'quota_exhausted':
      return awsError(400, 'LimitExceededException', 'Daily message quota exceeded.');
    case 'account_suspended':
      return awsError(
        400,
        'AccountSuspendedException',
        "The message can't be sent because the account's ability to send email has been permanently restricted.",
      );
    case 'message_too_large':
      return tooLarge(Math.max(request.body.length, SES_MAX_MESSAGE_BYTES + 1));
    default:
      return awsError(
        500,
        'InternalFailure',
        'The request processing has failed because of an unknown error.',
        true,
      );
  }
}

export function checkSignature(request: SandboxRequest, context: SimulatorContext): SandboxResponse | null {
  const expected = context.credentials.ses;
  const header = request.headers.authorization;
  if (!header)
    return awsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', true);
  const authorization = parseSigV4Authorization(header);
  if (!authorization) {
    return awsError(
      400,
      'IncompleteSignatureException',
      'Authorization header requires Credential, SignedHeaders and Signature parameters.',
      true,
    );
  }
  if (authorization.accessKeyId !== expected.accessKeyId) {
    return awsError(
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      true,
    );
  }
  if (authorization.service !== 'ses' || authorization.region !== expected.region) {
    return awsError(
      403,
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region and service: '${expected.region}/ses'.`,
      true,
    );
  }
  const signedAt = amzDateMs(request.headers);
  if (signedAt === undefined || Math.abs(context.now() - signedAt) > MAX_CLOCK_SKEW_MS) {
    return awsError(400, 'RequestExpired', 'Request has expired.', true);
  }
  const verified = [`${MOUNT_PREFIX}${request.path}`, request.path].some((path) =>
    verifySigV4({ ...request, path }, authorization, expected.secretAccessKey),
  );
  if (!verified) {
    return awsError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      true,
    );
  }
  return null;
}

function tooLarge(bytes: number): SandboxResponse {
  return awsError(
    400,
    'MessageRejected',
    `Message length is more than ${SES_MAX_MESSAGE_BYTES} bytes long: '${bytes}'.`,
  );
}

/** An SES v2 error as AWS sends it: the type in `x-amzn-ErrorType`, the text in `{"message"}`. */
export function awsError(
  status: number,
  type: string,
  message: string,
  common = false,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': common ? `${type}${COMMON_ERROR_NAMESPACE}` : type,
      ...headers,
    },
    body: JSON.stringify({ message }),
  };
}

/** SES message ids look like `0100018c…-<uuid>-000000`: a time prefix, a UUID, a suffix. */
function newMessageId(context: SimulatorContext): string {
  const time = context.now().toString(16).padStart(12, '0');
  return `0100${time}-${randomUUID()}-000000`;
}
