/**
 * Mailgun `GET /v4/domains/{name}` through mailgun.js: the domain's state and the DNS records it
 * expects. https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/domains/get-v4-domains--name-
 */
import type { ExpectedDkim, ProviderFacts } from '../facts.js';
import type { ApiRequest } from './index.js';

export async function mailgunFacts(request: ApiRequest<{ apiKey: string }>): Promise<ProviderFacts> {
  const { default: Mailgun } = await import('mailgun.js');
  const client = new Mailgun(FormData).client({
    username: 'api',
    key: request.credentials.apiKey,
    url: (request.provider.endpoint ?? 'https://api.mailgun.net').replace(/\/+$/, '').replace(/\/v[34]$/, ''),
    timeout: request.timeoutMs,
  });
  const name = (request.provider.sendingDomain ?? request.domain).toLowerCase();
  let domain: Awaited<ReturnType<typeof client.domains.get>>;
  try {
    domain = await client.domains.get(name);
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return {
        verified: false,
        summary: `${name} is not a domain of this Mailgun account (Sending → Domains → Add new domain)`,
      };
    }
    throw error;
  }
  const dkim: ExpectedDkim[] = (domain.sending_dns_records ?? [])
    .filter((record) => record.name.toLowerCase().includes('._domainkey.'))
    .map((record) =>
      record.record_type.toUpperCase() === 'CNAME'
        ? { host: record.name, cname: record.value }
        : { host: record.name, txt: record.value },
    );
  return {
    verified: domain.state === 'active',
    summary: `domain ${domain.name} is ${domain.state}`,
    dkim,
    sendingDomain: domain.name,
    returnPathDomain: domain.mailfrom_host ?? domain.name,
  };
}
