/** Environment → providers: priority order from MAILOVER_PROVIDERS, each provider only when its keys are set. */
import { describe, expect, it } from 'vitest';
import { liveProviders, parseProviderOrder, readSettings } from '../src/config.js';

const KEYS = {
  SENDGRID_API_KEY: 'SG.test-key.secret',
  AWS_ACCESS_KEY_ID: 'AKIATESTKEY',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-value',
  AWS_REGION: 'eu-west-1',
  MAILGUN_API_KEY: 'mailgun-secret-value',
  MAILGUN_DOMAIN: 'mg.example.com',
  POSTMARK_SERVER_TOKEN: 'postmark-secret-value',
};

const ids = (env: Record<string, string>) =>
  liveProviders(env, readSettings(env)).map((provider) => provider.id);

describe('config', () => {
  it('orders providers as MAILOVER_PROVIDERS says, and defaults to sendgrid, ses, mailgun, postmark', () => {
    expect(ids(KEYS)).toEqual(['sendgrid', 'ses', 'mailgun', 'postmark']);
    expect(ids({ ...KEYS, MAILOVER_PROVIDERS: 'postmark, SES' })).toEqual(['postmark', 'ses']);
  });

  it('includes a provider only when its keys are set', () => {
    const { SENDGRID_API_KEY: _sendgrid, MAILGUN_DOMAIN: _domain, ...rest } = KEYS;
    expect(ids(rest)).toEqual(['ses', 'postmark']);
  });

  it('refuses an unknown or repeated provider name, naming the variable', () => {
    expect(() => parseProviderOrder('sendgrid,sparkpost')).toThrow(
      /MAILOVER_PROVIDERS: unknown provider 'sparkpost'/,
    );
    expect(() => parseProviderOrder('ses,ses')).toThrow(/listed twice/);
  });

  it('refuses SES keys without a region, and a bad number, without echoing any key', () => {
    const { AWS_REGION: _region, ...noRegion } = KEYS;
    expect(() => ids(noRegion)).toThrow(/AWS_REGION/);
    expect(() => readSettings({ MAILOVER_TIMEOUT_MS: 'soon' })).toThrow(/MAILOVER_TIMEOUT_MS/);
    try {
      ids(noRegion);
    } catch (error) {
      for (const secret of Object.values(noRegion)) expect(String(error)).not.toContain(secret);
    }
  });

  it('turns on webhook verification for each provider whose webhook key is set', () => {
    const providers = liveProviders(
      {
        ...KEYS,
        MAILGUN_WEBHOOK_SIGNING_KEY: 'signing-key',
        POSTMARK_WEBHOOK_USERNAME: 'hook',
        POSTMARK_WEBHOOK_PASSWORD: 'hook-password',
      },
      readSettings({}),
    );
    const withWebhooks = providers.filter((provider) => provider.webhooks).map((provider) => provider.id);
    expect(withWebhooks).toEqual(['mailgun', 'postmark']);
  });
});
