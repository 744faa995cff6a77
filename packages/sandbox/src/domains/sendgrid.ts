/**
 * SendGrid domain authentication, `GET /v3/whitelabel/domains` (optionally `?domain=`), in the
 * format of https://www.twilio.com/docs/sendgrid/api-reference/domain-authentication/list-all-authenticated-domains:
 * automated security on, so three CNAMEs (`mail_cname`, `dkim1`, `dkim2`).
 */
import type { SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { type SandboxDomain, SENDGRID_SUBDOMAIN, SENDGRID_USER_ID, stateAt } from './types.js';

export function sendgridDomains(
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
): SandboxResponse | undefined {
  const url = new URL(request.path, 'http://sandbox');
  if (url.pathname !== '/v3/whitelabel/domains' || request.method !== 'GET') return undefined;
  const authorization = request.headers.authorization;
  if (authorization !== `Bearer ${context.credentials.sendgrid.apiKey}`) {
    return {
      status: 401,
      body: { errors: [{ field: null, message: 'authorization required', help: null }] },
    };
  }
  const wanted = url.searchParams.get('domain')?.toLowerCase();
  const listed = domains
    .map((domain, index) => ({ domain, index, state: stateAt(domain, 'sendgrid') }))
    .filter(({ domain, state }) => state !== undefined && (wanted === undefined || domain.name === wanted));
  return {
    status: 200,
    body: listed.map(({ domain, index, state }) => authenticatedDomain(domain, index, state === 'verified')),
  };
}

function authenticatedDomain(domain: SandboxDomain, index: number, valid: boolean) {
  const target = `u${SENDGRID_USER_ID}.wl123.sendgrid.net`;
  const record = (host: string, data: string) => ({ valid, type: 'cname', host, data });
  return {
    id: 1000 + index,
    user_id: SENDGRID_USER_ID,
    subdomain: SENDGRID_SUBDOMAIN,
    domain: domain.name,
    username: 'sandbox',
    ips: [],
    custom_spf: false,
    default: index === 0,
    legacy: false,
    automatic_security: true,
    valid,
    dns: {
      mail_cname: record(`${SENDGRID_SUBDOMAIN}.${domain.name}`, target),
      dkim1: record(`s1._domainkey.${domain.name}`, `s1.domainkey.${target}`),
      dkim2: record(`s2._domainkey.${domain.name}`, `s2.domainkey.${target}`),
    },
  };
}
