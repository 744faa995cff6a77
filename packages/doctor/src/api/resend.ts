/**
 * Resend's domains API through the `resend` SDK: `GET /domains` (paged by cursor) to find the
 * domain's id, then `GET /domains/{id}` for its status and the records it expects (SPF as an MX and
 * a TXT at the Return-Path subdomain, `send` by default; DKIM as a TXT key at `resend._domainkey`).
 * https://resend.com/docs/api-reference/domains/list-domains, https://resend.com/docs/api-reference/domains/get-domain
 */
import { withoutTrailingSlashes } from '@mailover/core';
import type { ExpectedDkim, ProviderFacts } from '../facts.js';
import type { ApiRequest } from './index.js';

/** The SDK answers `{ data, error }` and never throws for a failed call: this throws the error. */
function dataOf<T>(answer: { data: T | null; error: { message?: string; name?: string } | null }): T {
  if (answer.error || answer.data === null) {
    const { name, message } = answer.error ?? {};
    throw new Error(`Resend answered ${name ?? 'without data'}${message ? `: ${message}` : ''}`);
  }
  return answer.data;
}

/** Pages of `GET /domains` read at most (100 domains each) before giving up on finding it. */
const MAX_PAGES = 20;

export async function resendFacts(request: ApiRequest<{ apiKey: string }>): Promise<ProviderFacts> {
  const { Resend } = await import('resend');
  const client = new Resend(request.credentials.apiKey, {
    baseUrl: withoutTrailingSlashes(request.provider.endpoint ?? 'https://api.resend.com'),
  });
  // The SDK has no timeout of its own: each call gets one as its fetch signal.
  const requestOptions = () => ({ signal: AbortSignal.timeout(request.timeoutMs) });
  let listed: { id: string; name: string } | undefined;
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES && !listed; page++) {
    const domains = dataOf(
      await client.domains.list(after ? { limit: 100, after } : { limit: 100 }, requestOptions()),
    );
    listed = domains.data.find((entry) => entry.name.toLowerCase() === request.domain);
    if (!domains.has_more || domains.data.length === 0) break;
    after = domains.data.at(-1)!.id;
  }
  if (!listed) {
    return {
      verified: false,
      summary: `${request.domain} is not a domain of this Resend account (Domains → Add Domain)`,
    };
  }
  const domain = dataOf(await client.domains.get(listed.id, requestOptions()));
  const name = domain.name.toLowerCase();
  // Record names may come relative to the domain (`send`, `resend._domainkey`) or in full.
  const qualified = (host: string) => {
    const lower = host.toLowerCase().replace(/\.$/, '');
    return lower === name || lower.endsWith(`.${name}`) ? lower : `${lower}.${name}`;
  };
  const sending = domain.records.filter((record) => record.record === 'SPF' || record.record === 'DKIM');
  const dkim: ExpectedDkim[] = sending
    .filter((record) => record.record === 'DKIM')
    .map((record) =>
      record.type === 'CNAME'
        ? { host: qualified(record.name), cname: record.value }
        : { host: qualified(record.name), txt: record.value },
    );
  const bounceMx = sending.find((record) => record.record === 'SPF' && record.type === 'MX');
  // "partially_verified" is about receiving or tracking records when every sending record is verified.
  const verified =
    domain.status === 'verified' ||
    (sending.length > 0 && sending.every((record) => record.status === 'verified'));
  const pending = sending.filter((record) => record.status !== 'verified');
  return {
    verified,
    summary: verified
      ? `domain ${name} verified (region ${domain.region})`
      : `domain ${name} is ${domain.status}: ${pending.map((record) => `${record.record} ${record.type} at ${qualified(record.name)} ${record.status}`).join(', ') || 'no sending records reported'}`,
    ...(dkim.length > 0 ? { dkim } : {}),
    ...(bounceMx ? { returnPathDomain: qualified(bounceMx.name) } : {}),
  };
}
