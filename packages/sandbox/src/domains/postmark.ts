/**
 * Postmark's account API: `GET /domains`, `GET /domains/{id}` (https://postmarkapp.com/developer/api/domains-api)
 * and `GET /senders` (https://postmarkapp.com/developer/api/signatures-api), with the
 * `X-Postmark-Account-Token` header; errors as `{ ErrorCode, Message }`.
 */
import type { SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { POSTMARK_DKIM_SELECTOR, SAMPLE_DKIM_KEY, type SandboxDomain, stateAt } from './types.js';

/** The account token accepted when the credentials name none. */
export const DEFAULT_POSTMARK_ACCOUNT_TOKEN = 'sandbox-account-token';

export function postmarkDomains(
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
): SandboxResponse | undefined {
  const url = new URL(request.path, 'http://sandbox');
  const detail = /^\/domains\/(\d+)$/.exec(url.pathname);
  if (request.method !== 'GET' || !(url.pathname === '/domains' || url.pathname === '/senders' || detail)) {
    return undefined;
  }
  const token = request.headers['x-postmark-account-token'];
  if (token !== (context.credentials.postmark.accountToken ?? DEFAULT_POSTMARK_ACCOUNT_TOKEN)) {
    return error(
      401,
      10,
      token
        ? 'Request does not contain a valid Account token.'
        : 'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.',
    );
  }
  const count = Number(url.searchParams.get('count') ?? 'NaN');
  const offset = Number(url.searchParams.get('offset') ?? 'NaN');
  if (
    !detail &&
    (!Number.isInteger(count) || count < 1 || count > 500 || !Number.isInteger(offset) || offset < 0)
  ) {
    return error(422, 511, 'Invalid fields supplied: count must be 1 to 500 and offset 0 or more.');
  }
  const held = domains
    .map((domain, index) => ({ domain, id: 2000 + index, state: stateAt(domain, 'postmark') }))
    .filter((entry) => entry.state !== undefined);
  if (url.pathname === '/domains') {
    return ok({
      TotalCount: held.length,
      Domains: held
        .slice(offset, offset + count)
        .map((entry) => summary(entry.domain, entry.id, entry.state === 'verified')),
    });
  }
  if (url.pathname === '/senders') {
    const signatures = domains.flatMap((domain, domainIndex) =>
      (domain.postmarkSenderSignatures ?? []).map((address, index) => ({
        Domain: domain.name,
        EmailAddress: address,
        ReplyToEmailAddress: '',
        Name: address.split('@')[0]!,
        Confirmed: true,
        ID: 3000 + domainIndex * 100 + index,
      })),
    );
    return ok({ TotalCount: signatures.length, SenderSignatures: signatures.slice(offset, offset + count) });
  }
  const entry = held.find((candidate) => candidate.id === Number(detail![1]));
  if (!entry) return error(422, 510, 'This domain was not found.');
  return ok(details(entry.domain, entry.id, entry.state === 'verified'));
}

function summary(domain: SandboxDomain, id: number, verified: boolean) {
  return {
    Name: domain.name,
    SPFVerified: verified,
    DKIMVerified: verified,
    WeakDKIM: false,
    ReturnPathDomainVerified: verified,
    ID: id,
  };
}

function details(domain: SandboxDomain, id: number, verified: boolean) {
  const host = `${POSTMARK_DKIM_SELECTOR}._domainkey.${domain.name}`;
  const value = `k=rsa;p=${domain.dkimPublicKey ?? SAMPLE_DKIM_KEY}`;
  return {
    ...summary(domain, id, verified),
    SPFHost: domain.name,
    SPFTextValue: 'v=spf1 a mx include:spf.mtasv.net ~all',
    // A key not yet verified is shown as pending, as Postmark does for a new domain.
    DKIMHost: verified ? host : '',
    DKIMTextValue: verified ? value : '',
    DKIMPendingHost: verified ? '' : host,
    DKIMPendingTextValue: verified ? '' : value,
    DKIMRevokedHost: '',
    DKIMRevokedTextValue: '',
    SafeToRemoveRevokedKeyFromDNS: false,
    DKIMUpdateStatus: verified ? 'Verified' : 'Pending',
    ReturnPathDomain: domain.postmarkReturnPathDomain ?? `pm-bounces.${domain.name}`,
    ReturnPathDomainCNAMEValue: 'pm.mtasv.net',
  };
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function error(status: number, code: number, message: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: { ErrorCode: code, Message: message },
  };
}
