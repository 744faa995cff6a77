import type { AcceptedMessage } from '@mailover/sandbox';

// @mailover/sandbox does not re-export its webhook builders from its entry point yet, and a static
// import by path would pull sandbox sources under this package's rootDir; so load the SES builder by
// URL and describe the few types used here.

export interface SesWebhookKeys {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  readonly caCertificatePem: string;
  readonly certificateUrl: string;
  readonly region: string;
  readonly topicArn: string;
  readonly signatureVersion: '1' | '2';
}

export interface EventSpec {
  readonly type: 'delivered' | 'deferred' | 'bounced' | 'dropped';
  readonly message: AcceptedMessage;
  readonly recipient: string;
  readonly time: number;
  readonly smtpReply?: string;
  readonly attempt?: number;
  readonly sendingIp?: string;
}

export interface Built {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

interface SesWebhookBuilders {
  generateSesWebhookKeys(options?: {
    region?: string;
    topicArn?: string;
    signatureVersion?: '1' | '2';
  }): SesWebhookKeys;
  buildSesWebhook(events: readonly EventSpec[], keys: SesWebhookKeys, options?: { now?: number }): Built;
  buildSesSubscriptionConfirmation(keys: SesWebhookKeys, now?: number): Built;
}

const builderUrl = new URL('../../sandbox/src/webhooks/ses.ts', import.meta.url).href;
export const builders = (await import(builderUrl)) as SesWebhookBuilders;
