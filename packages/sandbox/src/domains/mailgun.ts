/**
 * Mailgun `GET /v4/domains/{name}` (and the older `/v3/domains/{name}`), in the format of
 * https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/domains/get-v4-domains--name-:
 * the domain, then the DNS records it expects to receive and to send.
 */
import { isAuthorized } from '../providers/mailgun.js';
import type { SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { MAILGUN_DKIM_SELECTOR, SAMPLE_DKIM_KEY, type SandboxDomain, stateAt } from './types.js';

const DOMAIN_PATH = /^\/v[34]\/domains\/([^/?]+)$/;

export function mailgunDomains(
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
): SandboxResponse | undefined {
  const match = DOMAIN_PATH.exec(request.path.split('?')[0]!);
  if (!match || request.method !== 'GET') return undefined;
  if (!isAuthorized(request.headers.authorization, context.credentials.mailgun.apiKey)) {
    return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Forbidden' };
  }
  const name = decodeURIComponent(match[1]!).toLowerCase();
  const domain = domains.find((candidate) => candidate.name === name);
  const state = domain && stateAt(domain, 'mailgun');
  if (!domain || !state) return json(404, { message: 'Domain not found' });
  const valid = state === 'verified' ? 'valid' : 'unknown';
  const record = (record_type: string, recordName: string, value: string, priority?: string) => ({
    cached: [],
    ...(recordName ? { name: recordName } : {}),
    ...(priority ? { priority } : {}),
    record_type,
    valid,
    value,
  });
  return json(200, {
    domain: {
      created_at: 'Wed, 17 Jan 2024 11:22:33 GMT',
      id: `65a7b8${name.length.toString(16).padStart(2, '0')}c0ffee0000000000`,
      is_disabled: false,
      name,
      require_tls: false,
      skip_verification: false,
      smtp_login: `postmaster@${name}`,
      spam_action: 'disabled',
      state: state === 'verified' ? 'active' : 'unverified',
      type: 'custom',
      use_automatic_sender_security: false,
      web_prefix: 'email',
      web_scheme: 'https',
      wildcard: false,
    },
    receiving_dns_records: [
      record('MX', '', 'mxa.mailgun.org', '10'),
      record('MX', '', 'mxb.mailgun.org', '10'),
    ],
    sending_dns_records: [
      record('TXT', name, 'v=spf1 include:mailgun.org ~all'),
      record(
        'TXT',
        `${MAILGUN_DKIM_SELECTOR}._domainkey.${name}`,
        `k=rsa; p=${domain.dkimPublicKey ?? SAMPLE_DKIM_KEY}`,
      ),
      record('CNAME', `email.${name}`, 'mailgun.org'),
    ],
  });
}

function json(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
