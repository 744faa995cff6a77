/**
 * Signing material for the sandbox's SNS: a local CA and, issued by it, the RSA signing key's X.509
 * certificate, made fresh per run so no private key is ever committed. Node cannot issue
 * certificates, so the `openssl` CLI does that.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the sandbox signs SNS messages with, and what a verifier must be told to trust. */
export interface SesWebhookKeys {
  /** PEM private key (PKCS#8) that signs the messages. */
  readonly privateKeyPem: string;
  /** PEM certificate that a verifier fetches from `certificateUrl`, issued by `caCertificatePem`. */
  readonly certificatePem: string;
  /** PEM certificate of the local CA that issued `certificatePem` (its key is thrown away). */
  readonly caCertificatePem: string;
  /** The `SigningCertURL` put in every message: an `https://sns.<region>.amazonaws.com/…pem` URL, as AWS's. */
  readonly certificateUrl: string;
  readonly region: string;
  readonly topicArn: string;
  /** `SignatureVersion` of built messages: `'1'` (SHA1withRSA, SNS's default) or `'2'` (SHA256withRSA). */
  readonly signatureVersion: '1' | '2';
}

export interface SesWebhookKeyOptions {
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `arn:aws:sns:<region>:123456789012:ses-events`. */
  readonly topicArn?: string;
  /** Default `'1'`. */
  readonly signatureVersion?: '1' | '2';
}

/** Make a CA, a signing key and its certificate for CN=sns.amazonaws.com (needs `openssl` on PATH). */
export function generateSesWebhookKeys(options: SesWebhookKeyOptions = {}): SesWebhookKeys {
  const region = options.region ?? 'us-east-1';
  const privateKeyPem = newRsaKeyPem();
  const directory = mkdtempSync(join(tmpdir(), 'mailover-sns-'));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    writeFileSync(file('ca-key.pem'), newRsaKeyPem(), { mode: 0o600 });
    writeFileSync(file('key.pem'), privateKeyPem, { mode: 0o600 });
    const subject = '/C=US/O=mailover sandbox/CN=mailover sandbox SNS CA';
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      file('ca-key.pem'),
      '-sha256',
      '-days',
      '2',
      '-subj',
      subject,
      '-out',
      file('ca.pem'),
    );
    openssl(
      'req',
      '-new',
      '-key',
      file('key.pem'),
      '-subj',
      '/CN=sns.amazonaws.com',
      '-out',
      file('request.csr'),
    );
    const certificatePem = openssl(
      'x509',
      '-req',
      '-in',
      file('request.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca-key.pem'),
      '-CAcreateserial',
      '-sha256',
      '-days',
      '2',
    );
    return {
      privateKeyPem,
      certificatePem,
      caCertificatePem: readFileSync(file('ca.pem'), 'utf8'),
      certificateUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-${randomUUID().replace(/-/g, '')}.pem`,
      region,
      topicArn: options.topicArn ?? `arn:aws:sns:${region}:123456789012:ses-events`,
      signatureVersion: options.signatureVersion ?? '1',
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function newRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
