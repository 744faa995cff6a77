/**
 * SES v2 `GetEmailIdentity`, `GET /v2/email/identities/{EmailIdentity}`, SigV4-checked, in the
 * format of https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html;
 * an unknown identity is a 404 `NotFoundException`, as from AWS.
 */
import { randomUUID } from 'node:crypto';
import { awsError, checkSignature } from '../providers/ses.js';
import type { SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { defaultSesTokens, type SandboxDomain, stateAt } from './types.js';

const IDENTITY_PATH = /^\/v2\/email\/identities\/([^/?]+)$/;

export function sesIdentities(
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
): SandboxResponse | undefined {
  const match = IDENTITY_PATH.exec(request.path.split('?')[0]!);
  if (!match || request.method !== 'GET') return undefined;
  const denied = checkSignature(request, context);
  if (denied) return denied;
  const name = decodeURIComponent(match[1]!).toLowerCase();
  const domain = domains.find((candidate) => candidate.name === name);
  const state = domain && stateAt(domain, 'ses');
  if (!domain || !state) return awsError(404, 'NotFoundException', `Email identity ${name} does not exist.`);
  const verified = state === 'verified';
  const status = verified ? 'SUCCESS' : 'PENDING';
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({
      IdentityType: 'DOMAIN',
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: verified,
      DkimAttributes: {
        SigningEnabled: true,
        Status: status,
        Tokens: domain.sesDkimTokens ?? defaultSesTokens(name),
        SigningAttributesOrigin: 'AWS_SES',
        NextSigningKeyLength: 'RSA_2048_BIT',
        CurrentSigningKeyLength: 'RSA_2048_BIT',
        LastKeyGenerationTimestamp: 1_700_000_000,
      },
      // Every member of MailFromAttributes is required in the API model: left out without a custom MAIL FROM.
      ...(domain.sesMailFromDomain
        ? {
            MailFromAttributes: {
              MailFromDomain: domain.sesMailFromDomain,
              MailFromDomainStatus: status,
              BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
            },
          }
        : {}),
      Policies: {},
      Tags: [],
      VerificationStatus: status,
    }),
  };
}
