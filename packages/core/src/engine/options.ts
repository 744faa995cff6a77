/**
 * createMailer's options, checked and with every default filled in one place: the rest of the
 * engine reads only resolved values. Defaults are documented on the option types (engine/types.ts,
 * engine/mailer.ts) and in packages/core/README.md.
 */
import { ConfigurationError } from '../adapter-kit.js';
import { choiceOption, knownKeys, numberOption } from '../config/check.js';
import { FAILURE_CODES, type FailureAction, type FailureCode, DEFAULT_FAILURE_ACTIONS } from '../failures.js';
import {
  DEFAULT_GREYLIST_POLICY,
  type GreylistPolicy,
  type ResolvedGreylistPolicy,
} from '../greylisting/detector.js';
import { parseDnsServer } from '../greylisting/mx-hosts.js';
import type { Provider } from '../provider.js';
import type { MailerOptions, RateLimitOptions, Strategy } from './types.js';

const OWNER = 'createMailer';
const FAILURE_ACTIONS: readonly FailureAction[] = [
  'retry',
  'retry_once',
  'failover_and_open',
  'failover',
  'stop',
];

export interface ResolvedRetry {
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly maxRetryAfterMs: number;
}

export interface ResolvedBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
}

export interface ResolvedMailerOptions {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly strategy: Strategy;
  readonly retry: ResolvedRetry;
  readonly breaker: ResolvedBreaker | false;
  readonly rateLimits: ReadonlyMap<string, Required<RateLimitOptions>>;
  readonly onAmbiguous: 'failover' | 'stop';
  readonly actions: Readonly<Record<FailureCode, FailureAction>>;
  readonly greylisting: ResolvedGreylistPolicy | false;
  readonly retentionMs: number;
  readonly maxWebhookBytes: number;
}

export interface MailerOptionsToResolve extends MailerOptions {
  readonly greylisting?: GreylistPolicy | false;
  readonly retentionMs?: number;
  readonly maxWebhookBytes?: number;
}

export function resolveMailerOptions(options: MailerOptionsToResolve): ResolvedMailerOptions {
  const providers = resolveProviders(options.providers);
  knownKeys(OWNER, 'retry', options.retry, [
    'retries',
    'minDelayMs',
    'maxDelayMs',
    'factor',
    'maxRetryAfterMs',
  ]);
  knownKeys(OWNER, 'breaker', options.breaker, ['failureThreshold', 'cooldownMs']);
  knownKeys(OWNER, 'greylisting', options.greylisting, [
    'deferrals',
    'distinctNetworks',
    'networkPrefix',
    'windowMs',
    'domainMemoryMs',
    'mx',
  ]);
  return {
    providers,
    strategy: resolveStrategy(options.strategy, providers),
    retry: resolveRetry(options.retry ?? {}),
    breaker:
      options.breaker === false
        ? false
        : {
            failureThreshold: numberOption(
              OWNER,
              'breaker.failureThreshold',
              options.breaker?.failureThreshold,
              3,
              {
                integer: true,
                min: 1,
              },
            ),
            cooldownMs: numberOption(OWNER, 'breaker.cooldownMs', options.breaker?.cooldownMs, 30_000, {
              min: 1,
              unit: 'ms',
            }),
          },
    rateLimits: resolveRateLimits(options.rateLimits ?? {}, providers),
    onAmbiguous: choiceOption(OWNER, 'onAmbiguous', options.onAmbiguous, ['failover', 'stop'], 'failover'),
    actions: resolveActions(options.actions ?? {}),
    greylisting: options.greylisting === false ? false : resolveGreylisting(options.greylisting ?? {}),
    // Three days: SendGrid retries a deferred message for 72 hours.
    retentionMs: numberOption(OWNER, 'retentionMs', options.retentionMs, 3 * 24 * 3_600_000, {
      min: 1,
      unit: 'ms',
    }),
    maxWebhookBytes: numberOption(OWNER, 'maxWebhookBytes', options.maxWebhookBytes, 5 * 1024 * 1024, {
      integer: true,
      min: 1,
      unit: 'bytes',
    }),
  };
}

function resolveProviders(list: readonly Provider[] | undefined): ReadonlyMap<string, Provider> {
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError(`${OWNER}: providers must list at least one provider, e.g. [sendgrid()]`);
  }
  const byId = new Map<string, Provider>();
  list.forEach((provider: Provider, index) => {
    const where = `providers[${index}]`;
    if (typeof provider !== 'object' || provider === null || typeof provider.send !== 'function') {
      throw new ConfigurationError(
        `${OWNER}: ${where} is not a provider (call the adapter: sendgrid(), not sendgrid)`,
      );
    }
    // The one contract version this core knows; a newer adapter needs a newer core.
    if (provider.specificationVersion !== 'v1') {
      throw new ConfigurationError(
        `${OWNER}: ${where} implements provider contract ${String(provider.specificationVersion)}, which this @mailover/core does not know (it knows 'v1'); align the versions of @mailover/core and the adapter`,
      );
    }
    if (typeof provider.id !== 'string' || provider.id.trim() === '') {
      throw new ConfigurationError(`${OWNER}: ${where} has a blank id; give it an id such as 'sendgrid'`);
    }
    if (byId.has(provider.id)) {
      throw new ConfigurationError(
        `${OWNER}: two providers share the id '${provider.id}'; give one another id`,
      );
    }
    if (provider.ip !== 'fixed' && provider.ip !== 'rotating') {
      throw new ConfigurationError(
        `${OWNER}: ${where} ('${provider.id}') must declare ip: 'fixed' or 'rotating'`,
      );
    }
    byId.set(provider.id, provider);
  });
  return byId;
}

function resolveStrategy(strategy: Strategy | undefined, providers: ReadonlyMap<string, Provider>): Strategy {
  if (strategy === undefined || strategy === 'priority' || strategy === 'round-robin')
    return strategy ?? 'priority';
  if (typeof strategy !== 'object' || strategy === null || strategy.type !== 'weighted') {
    throw new ConfigurationError(
      `${OWNER}: strategy must be 'priority', 'round-robin' or { type: 'weighted', weights } (got ${typeof strategy === 'string' ? `'${strategy}'` : typeof strategy})`,
    );
  }
  knownKeys(OWNER, 'strategy', strategy, ['type', 'weights']);
  const weights: Record<string, number> = Object.create(null);
  for (const [id, weight] of Object.entries(strategy.weights ?? {})) {
    if (!providers.has(id))
      throw new ConfigurationError(`${OWNER}: strategy.weights names unknown provider '${id}'`);
    weights[id] = numberOption(OWNER, `strategy.weights.${id}`, weight, 1, { min: 0 });
  }
  if ([...providers.keys()].every((id) => (weights[id] ?? 1) === 0)) {
    throw new ConfigurationError(
      `${OWNER}: strategy.weights gives every provider weight 0; give one a weight above 0`,
    );
  }
  return { type: 'weighted', weights };
}

function resolveRetry(retry: NonNullable<MailerOptions['retry']>): ResolvedRetry {
  const ms = { min: 0, unit: 'ms' };
  const resolved = {
    retries: numberOption(OWNER, 'retry.retries', retry.retries, 2, { integer: true, min: 0, max: 100 }),
    minDelayMs: numberOption(OWNER, 'retry.minDelayMs', retry.minDelayMs, 200, ms),
    maxDelayMs: numberOption(OWNER, 'retry.maxDelayMs', retry.maxDelayMs, 5_000, ms),
    factor: numberOption(OWNER, 'retry.factor', retry.factor, 2, { min: 1 }),
    maxRetryAfterMs: numberOption(OWNER, 'retry.maxRetryAfterMs', retry.maxRetryAfterMs, 30_000, ms),
  };
  if (resolved.minDelayMs > resolved.maxDelayMs) {
    throw new ConfigurationError(
      `${OWNER}: retry.minDelayMs (${resolved.minDelayMs}) is above retry.maxDelayMs (${resolved.maxDelayMs}); make the minimum the smaller`,
    );
  }
  return resolved;
}

function resolveRateLimits(
  limits: Readonly<Record<string, RateLimitOptions>>,
  providers: ReadonlyMap<string, Provider>,
): ReadonlyMap<string, Required<RateLimitOptions>> {
  const resolved = new Map<string, Required<RateLimitOptions>>();
  for (const [id, limit] of Object.entries(limits)) {
    if (!providers.has(id))
      throw new ConfigurationError(`${OWNER}: rateLimits names unknown provider '${id}'`);
    if (typeof limit !== 'object' || limit === null || limit.perSecond === undefined) {
      throw new ConfigurationError(`${OWNER}: rateLimits.${id} needs perSecond, e.g. { perSecond: 14 }`);
    }
    knownKeys(OWNER, `rateLimits.${id}`, limit, ['perSecond', 'burst']);
    resolved.set(id, {
      perSecond: numberOption(OWNER, `rateLimits.${id}.perSecond`, limit.perSecond, 1, {
        min: Number.MIN_VALUE,
      }),
      burst: numberOption(OWNER, `rateLimits.${id}.burst`, limit.burst, 1, { integer: true, min: 1 }),
    });
  }
  return resolved;
}

function resolveActions(
  actions: Partial<Readonly<Record<FailureCode, FailureAction>>>,
): Readonly<Record<FailureCode, FailureAction>> {
  const resolved: Record<FailureCode, FailureAction> = { ...DEFAULT_FAILURE_ACTIONS };
  for (const [code, action] of Object.entries(actions)) {
    if (!(FAILURE_CODES as readonly string[]).includes(code)) {
      throw new ConfigurationError(
        `${OWNER}: actions names unknown failure code '${code}' (known: ${FAILURE_CODES.join(', ')})`,
      );
    }
    resolved[code as FailureCode] = choiceOption(
      OWNER,
      `actions.${code}`,
      action,
      FAILURE_ACTIONS,
      DEFAULT_FAILURE_ACTIONS[code as FailureCode],
    );
  }
  return Object.freeze(resolved);
}

function resolveGreylisting(policy: GreylistPolicy): ResolvedGreylistPolicy {
  const fallback = DEFAULT_GREYLIST_POLICY;
  const option = (name: Exclude<keyof GreylistPolicy, 'mx'>, rule: Parameters<typeof numberOption>[4]) =>
    numberOption(OWNER, `greylisting.${name}`, policy[name], fallback[name], rule);
  return Object.freeze({
    deferrals: option('deferrals', { integer: true, min: 1 }),
    distinctNetworks: option('distinctNetworks', { integer: true, min: 0 }),
    networkPrefix: option('networkPrefix', { integer: true, min: 0, max: 32 }),
    windowMs: option('windowMs', { min: 1, unit: 'ms' }),
    domainMemoryMs: option('domainMemoryMs', { min: 0, unit: 'ms' }),
    mx: resolveMxMemory(policy.mx),
  });
}

function resolveMxMemory(mx: GreylistPolicy['mx']): ResolvedGreylistPolicy['mx'] {
  if (mx === undefined || mx === false) return false;
  const given = mx === true ? {} : mx;
  knownKeys(OWNER, 'greylisting.mx', given, ['resolver', 'timeoutMs', 'lookup']);
  if (given.resolver !== undefined && parseDnsServer(given.resolver) === undefined) {
    throw new ConfigurationError(
      `${OWNER}: greylisting.mx.resolver '${given.resolver}' is not an IP address with an optional port; give it as 127.0.0.1:5353 or [::1]:53, or leave it out for the system's resolver.`,
    );
  }
  if (given.lookup !== undefined && typeof given.lookup !== 'function') {
    throw new ConfigurationError(
      `${OWNER}: greylisting.mx.lookup must be a function (domain) => Promise<{ exchanges, ttlSeconds }>`,
    );
  }
  return Object.freeze({
    ...(given.resolver === undefined ? {} : { resolver: given.resolver }),
    ...(given.lookup === undefined ? {} : { lookup: given.lookup }),
    timeoutMs: numberOption(OWNER, 'greylisting.mx.timeoutMs', given.timeoutMs, 1000, { min: 1, unit: 'ms' }),
  });
}
