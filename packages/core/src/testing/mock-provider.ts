import { type FailureCode, providerFailure, type ProviderFailure, type SendOutcome } from '../failures.js';
import type { NormalizedMessage } from '../message/types.js';
import type {
  IpMode,
  ProviderLimits,
  ProviderSendContext,
  ProviderSendResult,
  ProviderV1,
  ProviderWebhooks,
} from '../provider.js';
import type { Clock } from '../time.js';
import { systemClock } from '../time.js';

/** What the mock does on one call. */
export type MockStep =
  | 'ok'
  | {
      /** Accept the message. */
      readonly ok: true;
      /** Answer after this long on the mock's clock, ms. Default 0. */
      readonly delayMs?: number;
      /** The id to answer with. Default: `<id>-<call number>`. */
      readonly providerMessageId?: string;
    }
  | {
      /** Fail with this taxonomy code. */
      readonly fail: FailureCode;
      /** Whether it may have been accepted anyway. Default `'not_sent'`. */
      readonly outcome?: SendOutcome;
      /** The Retry-After the failure carries, ms. Default: none. */
      readonly retryAfterMs?: number;
      /** Fail after this long on the mock's clock, ms. Default 0. */
      readonly delayMs?: number;
      /** The failure's message. Default: one naming the code. */
      readonly message?: string;
    }
  /** Never answer; only the call's AbortSignal ends it. */
  | 'hang';

/** One recorded call. */
export interface MockCall {
  /** The message as the engine handed it over. */
  readonly message: NormalizedMessage;
  /** The attempt number, idempotency key and recipients of the call. */
  readonly context: Omit<ProviderSendContext, 'signal'>;
  /** What the script made the call do. */
  readonly step: MockStep;
}

export interface MockProviderOptions {
  /** Provider id. Default `'mock'`. */
  readonly id?: string;
  /** Provider kind. Default `'mock'`. */
  readonly kind?: string;
  /** Whether retries leave from one address. Default `'rotating'`. */
  readonly ip?: IpMode;
  /** What it can carry. Default: no limits. */
  readonly limits?: ProviderLimits;
  /**
   * What each call does: a list used in order (the last entry repeats), or a function of the call.
   * Default: always `'ok'`.
   */
  readonly script?: readonly MockStep[] | ((call: { message: NormalizedMessage; index: number }) => MockStep);
  /** Clock for `delayMs`. Default: the system clock. */
  readonly clock?: Clock;
  /** Webhook support, e.g. {@link mockWebhooks}. Default: none. */
  readonly webhooks?: ProviderWebhooks;
}

/** A scriptable provider for tests: succeed, fail with any code, hang; every call is recorded. */
export interface MockProvider extends ProviderV1 {
  /** Every call so far, in order. */
  readonly calls: readonly MockCall[];
  /** Replace the script from the next call on. */
  setScript(script: NonNullable<MockProviderOptions['script']>): void;
}

class MockFailureError extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
    this.name = 'MockFailureError';
  }
}

/** Make a scriptable provider for tests. */
export function mockProvider(options: MockProviderOptions = {}): MockProvider {
  const id = options.id ?? 'mock';
  const clock = options.clock ?? systemClock;
  const calls: MockCall[] = [];
  let script = options.script ?? ['ok'];

  const stepFor = (message: NormalizedMessage, index: number): MockStep => {
    if (typeof script === 'function') return script({ message, index });
    return script[Math.min(index, script.length - 1)] ?? 'ok';
  };

  return {
    specificationVersion: 'v1',
    id,
    kind: options.kind ?? 'mock',
    ip: options.ip ?? 'rotating',
    limits: options.limits ?? {},
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    calls,
    setScript(next) {
      script = next;
    },
    async send(message, context): Promise<ProviderSendResult> {
      const step = stepFor(message, calls.length);
      const { signal, ...rest } = context;
      calls.push({ message, context: rest, step });
      if (step === 'hang') {
        await new Promise((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      const delayMs = typeof step === 'object' ? step.delayMs : undefined;
      if (delayMs) await clock.sleep(delayMs, signal);
      if (step === 'ok') return { providerMessageId: `${id}-${calls.length}` };
      if (typeof step === 'object' && 'ok' in step) {
        return { providerMessageId: step.providerMessageId ?? `${id}-${calls.length}` };
      }
      if (typeof step === 'object' && 'fail' in step) {
        throw new MockFailureError(
          providerFailure(step.fail, step.message ?? `mock failure: ${step.fail}`, {
            outcome: step.outcome,
            retryAfterMs: step.retryAfterMs,
          }),
        );
      }
      throw new Error('unreachable');
    },
    classifyError(error) {
      if (error instanceof MockFailureError) return error.failure;
      return { code: 'unknown', outcome: 'unknown', message: 'unrecognised error' };
    },
  };
}
