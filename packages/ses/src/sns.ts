/**
 * Amazon SNS message signatures (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
 * the string to sign, the SigningCertURL rule, and RSA verification (SignatureVersion 1 = SHA1, 2 = SHA256).
 */
import { verify, X509Certificate } from 'node:crypto';

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
    const certificate = new X509Certificate(certificatePem);
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) return false;
    if (issuers.length > 0 && !issuers.some((issuer) => issuedBy(certificate, issuer))) return false;
    const signature = Buffer.from(envelope.Signature, 'base64');
    if (signature.length === 0) return false;
    return verify(
      algorithm,
      Buffer.from(snsStringToSign(envelope), 'utf8'),
      certificate.publicKey,
      signature,
    );
  } catch {
    return false;
  }
}

function issuedBy(certificate: X509Certificate, issuerPem: string): boolean {
  const issuer = new X509Certificate(issuerPem);
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}
