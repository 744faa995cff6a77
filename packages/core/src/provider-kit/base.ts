/**
 * What every adapter's factory resolves the same way (docs/adapters.md, "index.ts"): the provider
 * id (`options.id`, else the kind; the webhooks get the same id), the IP mode, and the limits, the
 * user's merged over the adapter's own.
 */
import { requireLimits, requireTimeoutMs } from '../adapter-kit.js';
import type { IpMode, ProviderLimits, ProviderV1, ProviderWebhooks } from '../provider.js';
import { DEFAULT_TIMEOUT_MS } from './defaults.js';

/** The options every adapter takes, with one meaning everywhere. */
export interface CommonProviderOptions {
  /** Provider id, unique per mailer. Default: the adapter's kind (`'sendgrid'`). */
  readonly id?: string;
  /** `'fixed'` when retries leave from one stable IP. Default: the adapter's (rotating for the APIs, fixed for SMTP). */
  readonly ip?: IpMode;
  /** What this account can carry; merged over the adapter's documented limits. Default: the adapter's limits. */
  readonly limits?: ProviderLimits;
  /** Request timeout in milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
}

/** The part of a ProviderV1 that follows from the common options. */
export type ProviderBase = Pick<ProviderV1, 'specificationVersion' | 'id' | 'kind' | 'ip' | 'limits'>;

/** The common options resolved: the provider's fixed fields, and the request timeout. */
export interface ResolvedCommonOptions {
  readonly base: ProviderBase;
  /** `timeoutMs`, checked (a finite number of ms, at least 1), else 30 000. */
  readonly timeoutMs: number;
}

/**
 * Resolve the common options: one place per adapter, the same rules for all. Bad limits or a bad
 * timeout throw a ConfigurationError naming the option when the adapter is built.
 */
export function resolveCommonOptions(
  kind: string,
  options: CommonProviderOptions,
  defaults: { readonly ip: IpMode; readonly limits: ProviderLimits },
): ResolvedCommonOptions {
  return {
    base: {
      specificationVersion: 'v1',
      id: options.id ?? kind,
      kind,
      ip: options.ip ?? defaults.ip,
      limits: Object.freeze(requireLimits(kind, options.limits, defaults.limits)),
    },
    timeoutMs: requireTimeoutMs(kind, 'timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
  };
}

/** What an adapter's factory hands `defineProvider` besides its options. */
export interface ProviderDefinition<Extra extends object> {
  /** The adapter's own defaults for the common options. */
  readonly defaults: { readonly ip: IpMode; readonly limits: ProviderLimits };
  /** True when every event carries the mailover id (see `ProviderV1.eventsCarryMailoverId`). Default false. */
  readonly eventsCarryMailoverId?: boolean;
  /** The webhooks, built now (a bad option fails when the provider is built); undefined when not configured. */
  webhooks?(providerId: string): ProviderWebhooks | undefined;
  /** The adapter proper: its `send` and `classifyError` (and anything else it exposes, like `close`). */
  adapter(resolved: {
    readonly id: string;
    readonly timeoutMs: number;
  }): Pick<ProviderV1, 'send' | 'classifyError'> & Extra;
}

/**
 * Every adapter's factory ends here: the common options resolved by one set of rules, the webhooks
 * built with the provider's id, and the adapter's own `send` and `classifyError`.
 */
export function defineProvider<Extra extends object = object>(
  kind: string,
  options: CommonProviderOptions,
  definition: ProviderDefinition<Extra>,
): ProviderV1 & Extra {
  const { base, timeoutMs } = resolveCommonOptions(kind, options, definition.defaults);
  const webhooks = definition.webhooks?.(base.id);
  return {
    ...base,
    ...(definition.eventsCarryMailoverId ? { eventsCarryMailoverId: true } : {}),
    ...definition.adapter({ id: base.id, timeoutMs }),
    ...(webhooks ? { webhooks } : {}),
  };
}

/** An adapter's documented limits, frozen. */
export function providerLimits(limits: ProviderLimits): ProviderLimits {
  return Object.freeze({ ...limits });
}
