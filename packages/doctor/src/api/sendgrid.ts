/**
 * SendGrid domain authentication: `GET /v3/whitelabel/domains?domain=…` through @sendgrid/client.
 * https://www.twilio.com/docs/sendgrid/api-reference/domain-authentication/list-all-authenticated-domains
 */
import type { ExpectedDkim, ProviderFacts } from '../facts.js';
import type { ApiRequest } from './index.js';

/** One DNS record of an authenticated domain, as the API describes it. */
interface SendGridDnsRecord {
  readonly valid: boolean;
  readonly type: string;
  readonly host: string;
  readonly data: string;
}

/** An authenticated domain, as `GET /v3/whitelabel/domains` lists it. */
interface AuthenticatedDomain {
  readonly id: number;
  readonly domain: string;
  readonly subdomain: string;
  readonly valid: boolean;
  readonly automatic_security: boolean;
  readonly dns: Readonly<Record<string, SendGridDnsRecord | undefined>>;
}

interface SdkClient {
  setDefaultHeader(key: string, value: string): unknown;
  setDefaultRequest(key: string | object, value?: unknown): unknown;
  request(request: object): Promise<[{ statusCode: number }, unknown]>;
}

export async function sendgridFacts(request: ApiRequest<{ apiKey: string }>): Promise<ProviderFacts> {
  const module = await import('@sendgrid/client');
  const { Client } = module.default as unknown as { Client: new () => SdkClient };
  const client = new Client();
  // The header, not setApiKey(): setApiKey() resets baseUrl.
  client.setDefaultHeader('Authorization', `Bearer ${request.credentials.apiKey}`);
  client.setDefaultRequest('baseUrl', request.provider.endpoint ?? 'https://api.sendgrid.com/');
  client.setDefaultRequest({ timeout: request.timeoutMs });
  const [, body] = await client.request({
    method: 'GET',
    url: '/v3/whitelabel/domains',
    qs: { domain: request.domain, limit: 50 },
  });
  const entries = (Array.isArray(body) ? (body as AuthenticatedDomain[]) : []).filter(
    (entry) => entry.domain?.toLowerCase() === request.domain,
  );
  const entry = entries.find((candidate) => candidate.valid) ?? entries[0];
  if (!entry) {
    return {
      verified: false,
      summary: `no authenticated domain for ${request.domain} (Settings → Sender Authentication → Authenticate Your Domain)`,
    };
  }
  // Automated security: dkim1/dkim2 CNAMEs and mail_cname; without it: a dkim TXT and subdomain_spf.
  const dkim: ExpectedDkim[] = [entry.dns.dkim1, entry.dns.dkim2, entry.dns.dkim]
    .filter((record): record is SendGridDnsRecord => record !== undefined)
    .map((record) =>
      record.type.toLowerCase() === 'cname'
        ? { host: record.host, cname: record.data }
        : { host: record.host, txt: record.data },
    );
  const returnPath = entry.dns.mail_cname?.host ?? entry.dns.subdomain_spf?.host;
  return {
    verified: entry.valid,
    summary: entry.valid
      ? `domain authentication ${entry.id} for ${entry.domain} is valid`
      : `domain authentication ${entry.id} for ${entry.domain} is not validated yet (its DNS records were not found)`,
    dkim,
    ...(returnPath ? { returnPathDomain: returnPath } : {}),
  };
}
