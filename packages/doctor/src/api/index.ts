/**
 * Ask each provider's API, through its official SDK, whether it will send as the domain and which
 * records it expects. Credentials come from the options, else the environment given as `env`;
 * without them the check is "skipped", never guessed. Secrets never reach a report.
 */
import { scrubSecrets } from '@mailover/core';
import type { FactsOutcome, ProviderFacts } from '../facts.js';
import type { CheckDomainOptions, DoctorProvider, DoctorProviderKind } from '../types.js';
import { mailgunFacts } from './mailgun.js';
import { postmarkFacts } from './postmark.js';
import { resendFacts } from './resend.js';
import { sendgridFacts } from './sendgrid.js';
import { sesFacts } from './ses.js';

/** What one provider's API module needs. */
export interface ApiRequest<Credentials> {
  readonly domain: string;
  readonly provider: DoctorProvider;
  readonly credentials: Credentials;
  readonly timeoutMs: number;
}

/** The provider's facts, "skipped" without credentials, or an error naming the provider (secrets scrubbed). */
export async function providerFacts(
  provider: DoctorProvider & { readonly kind: DoctorProviderKind },
  domain: string,
  options: CheckDomainOptions,
  timeoutMs: number,
): Promise<FactsOutcome> {
  const env = options.env ?? {};
  const id = provider.id ?? provider.kind;
  const given = options.credentials ?? {};
  const ask = async (
    secrets: readonly (string | undefined)[],
    call: () => Promise<ProviderFacts>,
  ): Promise<FactsOutcome> => {
    try {
      return { status: 'ok', facts: await call() };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { status: 'error', reason: `${id}: its API could not be asked: ${scrubSecrets(text, secrets)}` };
    }
  };
  const skipped = (what: string): FactsOutcome => ({
    status: 'skipped',
    reason: `${id}: API not asked, no ${what} given`,
  });

  switch (provider.kind) {
    case 'sendgrid': {
      const apiKey = given.sendgrid?.apiKey ?? env.SENDGRID_API_KEY;
      if (!apiKey) return skipped('API key (SENDGRID_API_KEY)');
      return ask([apiKey], () => sendgridFacts({ domain, provider, credentials: { apiKey }, timeoutMs }));
    }
    case 'ses': {
      const credentials = given.ses ?? sesFromEnv(env);
      if (!credentials)
        return skipped('AWS credentials and region (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
      return ask([credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken], () =>
        sesFacts({ domain, provider, credentials, timeoutMs }),
      );
    }
    case 'mailgun': {
      const apiKey = given.mailgun?.apiKey ?? env.MAILGUN_API_KEY;
      if (!apiKey) return skipped('API key (MAILGUN_API_KEY)');
      return ask([apiKey], () => mailgunFacts({ domain, provider, credentials: { apiKey }, timeoutMs }));
    }
    case 'postmark': {
      const accountToken = given.postmark?.accountToken ?? env.POSTMARK_ACCOUNT_TOKEN;
      if (!accountToken) return skipped('account token (POSTMARK_ACCOUNT_TOKEN)');
      return ask([accountToken], () =>
        postmarkFacts({ domain, provider, credentials: { accountToken }, timeoutMs }),
      );
    }
    case 'resend': {
      const apiKey = given.resend?.apiKey ?? env.RESEND_API_KEY;
      if (!apiKey) return skipped('API key (RESEND_API_KEY)');
      return ask([apiKey], () => resendFacts({ domain, provider, credentials: { apiKey }, timeoutMs }));
    }
    case 'smtp':
      return { status: 'skipped', reason: `${id}: your own relay has no provider API to ask` };
  }
}

function sesFromEnv(env: Readonly<Record<string, string | undefined>>) {
  const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
  if (!AWS_REGION || !AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    region: AWS_REGION,
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}
