/** What the test tells an instance process (`instance.ts`) and what the instance reports back. */
import type { BreakerOptions, GreylistPolicy, IpMode, RateLimitOptions } from '@mailover/core';
import type { SandboxCredentials } from '@mailover/sandbox';

/** One provider of the instance's mailer, pointed at the sandbox. */
export interface ProviderConfig {
  readonly kind: 'sendgrid' | 'postmark' | 'ses';
  /** Default: the kind. */
  readonly id?: string;
  readonly ip: IpMode;
  /** The adapter's request timeout. Default 5 000 ms. */
  readonly timeoutMs?: number;
}

export interface InstanceConfig {
  readonly redis: {
    readonly url: string;
    /** The store's key prefix: every instance of one scenario shares it. */
    readonly prefix: string;
    readonly queue: string;
    readonly bullPrefix: string;
    readonly lockDurationMs?: number;
    readonly stalledIntervalMs?: number;
  };
  readonly sandbox: {
    readonly endpoints: Readonly<Record<'sendgrid' | 'ses' | 'mailgun' | 'postmark', string>>;
    readonly credentials: SandboxCredentials;
    /** Verifies the SendGrid webhooks the test builds with the sandbox's keys. */
    readonly sendgridWebhookPublicKey: string;
  };
  readonly providers: readonly ProviderConfig[];
  readonly rateLimits?: Readonly<Record<string, RateLimitOptions>>;
  readonly breaker?: BreakerOptions;
  readonly greylisting?: GreylistPolicy;
}

/** An engine event or process warning the instance saw. */
export interface InstanceEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}
