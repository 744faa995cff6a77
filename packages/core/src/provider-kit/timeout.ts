/**
 * A request timeout for SDKs that take none (Resend's): docs/adapters.md, "Abort and deadline".
 *
 * `AbortSignal.timeout()` joined to the engine's signal with `AbortSignal.any()` cost ≈ 39 µs a send
 * on Node 20 (a timer, weak references and a finalization registration per signal;
 * docs/performance.md). Here each call gets one plain AbortController, and calls started within the
 * same short window share one timer: the window's timer aborts, when it fires, every call of that
 * window still running. A call therefore ends no sooner than `timeoutMs` after it started and at
 * most `slackMs(timeoutMs)` later (a twentieth of it, at most 1 s).
 */
import { ConfigurationError, NEVER_ABORTED, requireTimeoutMs } from '../adapter-kit.js';

/** The timer of one window fires this long after the window opened, plus `timeoutMs`. */
export function slackMs(timeoutMs: number): number {
  return Math.min(1000, Math.ceil(timeoutMs / 20));
}

/** One call's timeout, joined to the engine's signal. */
export interface CallTimeout {
  /** Aborts when the call's time is up (a `TimeoutError`) or when the engine's signal aborts (its reason). */
  readonly signal: AbortSignal;
  /** True when this call's own time ran out (not the engine's signal). */
  timedOut(): boolean;
  /** The `TimeoutError` the call was aborted with, once `timedOut()`. */
  readonly reason: unknown;
  /** The call is over (answered or failed): stop watching it. Call it once, in a `finally`. */
  end(): void;
}

class TimedCall implements CallTimeout {
  private readonly controller = new AbortController();
  private expired = false;
  private readonly onEngineAbort: (() => void) | undefined;

  constructor(
    private readonly window: Set<TimedCall>,
    private readonly engineSignal: AbortSignal,
  ) {
    window.add(this);
    // The engine's signal for a send nothing can stop never aborts: nothing to join then.
    if (engineSignal === NEVER_ABORTED) return;
    if (engineSignal.aborted) {
      this.controller.abort(engineSignal.reason);
      return;
    }
    this.onEngineAbort = () => this.controller.abort(engineSignal.reason);
    engineSignal.addEventListener('abort', this.onEngineAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): unknown {
    return this.controller.signal.reason;
  }

  timedOut(): boolean {
    return this.expired;
  }

  expire(): void {
    if (this.controller.signal.aborted) return;
    this.expired = true;
    // The reason `AbortSignal.timeout()` gives, which classifiers already read as a timeout.
    this.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }

  end(): void {
    this.window.delete(this);
    if (this.onEngineAbort) this.engineSignal.removeEventListener('abort', this.onEngineAbort);
  }
}

function expireAll(window: Set<TimedCall>): void {
  for (const call of window) call.expire();
  window.clear();
}

/**
 * Timeouts of `timeoutMs` for one adapter's calls: `start(context.signal)` when a call begins, pass
 * its `signal` to the SDK, `end()` it when the call is over. Timers are unref'd, like
 * `AbortSignal.timeout()`'s: a pending timeout does not keep the process alive.
 */
export function callTimeouts(timeoutMs: number): { start(engineSignal: AbortSignal): CallTimeout } {
  // A timeout that is missing, not a number or not positive would end every call at once or never:
  // a configuration error, never a check switched off.
  if (timeoutMs === undefined)
    throw new ConfigurationError(
      "callTimeouts: timeoutMs is required (the adapter's resolved timeout, in ms)",
    );
  requireTimeoutMs('callTimeouts', 'timeoutMs', timeoutMs, timeoutMs);
  const slack = slackMs(timeoutMs);
  let window: Set<TimedCall> | undefined;
  let opensAt = 0;
  return {
    start(engineSignal) {
      const now = performance.now();
      if (window === undefined || now - opensAt > slack) {
        window = new Set();
        opensAt = now;
        // Every call of this window started at most `slack` after it opened.
        setTimeout(expireAll, timeoutMs + slack, window).unref();
      }
      return new TimedCall(window, engineSignal);
    },
  };
}
