/**
 * AWS Signature Version 4 checking for the SES simulator: the same canonical request the AWS SDK
 * (`@smithy/signature-v4`) builds, recomputed here with the secret the sandbox knows.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request, ?SignedHeaders=([a-z0-9\-;]+), ?Signature=([0-9a-f]+)$/;

/** Parse the header, or null when it does not have the SigV4 shape. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | null {
  const match = header ? AUTHORIZATION_PATTERN.exec(header.trim()) : null;
  // A SHA-256 signature is 64 hex digits; checked apart from the pattern, whose ReDoS proof a
  // 64-fold repetition makes slow (SECURITY.md, "Regular expressions (ReDoS)").
  if (!match || match[6]!.length !== 64) return null;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

export interface SignedRequest {
  readonly method: string;
  /** The full path as the client signed it (with any mount prefix), and the query. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** True when `authorization.signature` is what `secretAccessKey` gives for this request. */
export function verifySigV4(
  request: SignedRequest,
  authorization: SigV4Authorization,
  secretAccessKey: string,
): boolean {
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate?.startsWith(authorization.date)) return false;
  const bodyHash = sha256Hex(request.body);
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  // A declared payload hash that is not the body's means the body was changed after signing.
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash)
    return false;
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.path),
    ...authorization.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers, name)}`),
    '',
    authorization.signedHeaders.join(';'),
    declaredHash ?? bodyHash,
  ].join('\n');
  const scope = `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(Buffer.from(canonicalRequest))].join(
    '\n',
  );
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`);
  for (const part of [authorization.date, authorization.region, authorization.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(authorization.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `x-amz-date` header as epoch ms, or undefined when absent or unreadable. */
export function amzDateMs(headers: IncomingHttpHeaders): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    headerValue(headers, 'x-amz-date') ?? '',
  );
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function canonicalHeaderValue(headers: IncomingHttpHeaders, name: string): string {
  return (headerValue(headers, name) ?? '')
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function canonicalPath(pathWithQuery: string): string {
  const path = pathWithQuery.split('?')[0] ?? '/';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  // The SDK escapes the already-encoded path once more (double encoding), keeping the slashes.
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(pathWithQuery: string): string {
  const index = pathWithQuery.indexOf('?');
  if (index < 0) return '';
  const pairs: string[] = [];
  for (const [key, value] of new URLSearchParams(pathWithQuery.slice(index + 1))) {
    if (key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push(`${escapeUri(key)}=${escapeUri(value)}`);
  }
  return pairs.sort().join('&');
}

function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
