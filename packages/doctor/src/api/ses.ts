/**
 * SES v2 `GetEmailIdentity` through @aws-sdk/client-sesv2: verified for sending, Easy DKIM tokens,
 * custom MAIL FROM. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html
 */
import type { ProviderFacts } from '../facts.js';
import type { DoctorCredentials } from '../types.js';
import type { ApiRequest } from './index.js';

export async function sesFacts(
  request: ApiRequest<NonNullable<DoctorCredentials['ses']>>,
): Promise<ProviderFacts> {
  const { SESv2Client, GetEmailIdentityCommand, NotFoundException } = await import('@aws-sdk/client-sesv2');
  const { region, accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  const client = new SESv2Client({
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    ...(request.provider.endpoint ? { endpoint: request.provider.endpoint.replace(/\/+$/, '') } : {}),
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: request.timeoutMs,
      connectionTimeout: request.timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  try {
    const identity = await client.send(new GetEmailIdentityCommand({ EmailIdentity: request.domain }));
    const attributes = identity.DkimAttributes;
    const easy = attributes?.SigningAttributesOrigin !== 'EXTERNAL';
    // Easy DKIM: three CNAMEs to <token>.dkim.amazonses.com; BYODKIM: the token is your selector's TXT key.
    const dkim = (attributes?.Tokens ?? []).map((token) => {
      const host = `${token}._domainkey.${request.domain}`;
      return easy ? { host, cname: `${token}.dkim.amazonses.com` } : { host };
    });
    const mailFrom = identity.MailFromAttributes?.MailFromDomain;
    return {
      verified: identity.VerifiedForSendingStatus === true,
      summary: `identity ${request.domain} in ${region}: ${identity.VerifiedForSendingStatus ? 'verified for sending' : 'not verified for sending'}, DKIM ${attributes?.Status ?? 'not set up'}${mailFrom ? `, MAIL FROM ${mailFrom} ${identity.MailFromAttributes?.MailFromDomainStatus ?? ''}`.trimEnd() : ''}`,
      dkim,
      ...(mailFrom ? { returnPathDomain: mailFrom } : {}),
    };
  } catch (error) {
    if (error instanceof NotFoundException) {
      return {
        verified: false,
        summary: `${request.domain} is not an email identity in ${region} (SES → Identities → Create identity)`,
      };
    }
    throw error;
  } finally {
    client.destroy();
  }
}
