/**
 * Postmark account API through the postmark SDK's AccountClient: `GET /domains` (then
 * `/domains/{id}`) and, for a single address, `GET /senders`.
 * https://postmarkapp.com/developer/api/domains-api, https://postmarkapp.com/developer/api/signatures-api
 */
import type { ProviderFacts } from '../facts.js';
import type { ApiRequest } from './index.js';

export async function postmarkFacts(request: ApiRequest<{ accountToken: string }>): Promise<ProviderFacts> {
  const postmark = await import('postmark');
  const endpoint = request.provider.endpoint ? new URL(request.provider.endpoint) : undefined;
  const client = new postmark.AccountClient(request.credentials.accountToken, {
    ...(endpoint
      ? {
          useHttps: endpoint.protocol === 'https:',
          requestHost: `${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}`,
        }
      : {}),
    timeout: request.timeoutMs / 1000,
  });
  const domains = await client.getDomains({ count: 500, offset: 0 });
  const listed = domains.Domains.find((entry) => entry.Name.toLowerCase() === request.domain);
  if (listed) {
    const details = await client.getDomain(listed.ID);
    const host = details.DKIMHost || details.DKIMPendingHost;
    const value = details.DKIMHost ? details.DKIMTextValue : details.DKIMPendingTextValue;
    return {
      verified: details.DKIMVerified,
      summary: `domain ${details.Name}: DKIM ${details.DKIMVerified ? 'verified' : 'not verified'}, Return-Path ${details.ReturnPathDomainVerified ? 'verified' : 'not verified'}`,
      ...(host ? { dkim: [{ host, txt: value }] } : {}),
      ...(details.ReturnPathDomain ? { returnPathDomain: details.ReturnPathDomain } : {}),
    };
  }
  // No domain: a confirmed sender signature still lets that one address send.
  const signatures = await client.getSenderSignatures({ count: 500, offset: 0 });
  const confirmed = signatures.SenderSignatures.filter(
    (signature) => signature.Domain.toLowerCase() === request.domain && signature.Confirmed,
  );
  if (confirmed.length > 0) {
    return {
      verified: true,
      summary: `no domain, but confirmed sender signature${confirmed.length === 1 ? '' : 's'} ${confirmed.map((signature) => signature.EmailAddress).join(', ')} (only these addresses can send)`,
    };
  }
  return {
    verified: false,
    summary: `neither a domain nor a confirmed sender signature for ${request.domain} (Sender Signatures → Add Domain)`,
  };
}
