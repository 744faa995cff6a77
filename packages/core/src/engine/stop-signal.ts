/**
 * The stop wiring of one send: the caller's AbortSignal and the deadline become one signal that
 * adapters hand their SDK, and a reason the engine can report.
 */
import { ConfigurationError, NEVER_ABORTED } from '../adapter-kit.js';
import { numberOption } from '../config/check.js';
import type { Clock } from '../time.js';

export type StopCode = 'deadline_exceeded' | 'aborted';

/** Why the engine aborted an in-flight call (an AbortError, as SDKs and fetch expect). */
class StopReason extends Error {
  override name = 'AbortError';
  constructor(readonly code: StopCode) {
    super(describeStop(code));
  }
}

export function describeStop(code: StopCode): string {
  return code === 'aborted' ? 'the send was aborted by the caller' : 'the send deadline passed';
}

/**
 * When the send must stop, epoch ms (Infinity for no deadline). A NaN deadline, which once meant
 * "no deadline", is refused like any other option that would switch a limit off.
 */
export function deadlineOf(deadline: number | Date | undefined, startedAt: number): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  const at =
    deadline instanceof Date
      ? deadline.getTime()
      : startedAt + numberOption('send', 'deadline', deadline, 0, { min: 0, unit: 'ms' });
  if (!Number.isFinite(at)) {
    throw new ConfigurationError('send: deadline is an invalid Date; give a valid Date or a number of ms');
  }
  return at;
}

export interface StopSignal {
  /** Handed to every provider call of this send. */
  readonly signal: AbortSignal;
  /** For the send's waits (backoff, rate limit); undefined when nothing can stop the send. */
  readonly waits: AbortSignal | undefined;
  /** Why the send stopped, once it has; undefined while it may go on. */
  stopped(): StopCode | undefined;
  /** Release the timer and the listener on the caller's signal. */
  dispose(): void;
}

/** What every send nothing can stop shares: nothing to allocate per send. */
const UNSTOPPABLE: StopSignal = Object.freeze({
  signal: NEVER_ABORTED,
  waits: undefined,
  stopped: () => undefined,
  dispose: () => {},
});

/**
 * One signal for the caller's abort and the deadline. A send nothing can stop shares one signal
 * that never aborts: an AbortController per send cost ~5 µs, and adapters can leave that signal out
 * of their SDK call and keep one client. Only a send with a deadline gets a timer.
 */
export function stopSignal(
  callerSignal: AbortSignal | undefined,
  deadlineAt: number,
  startedAt: number,
  clock: Clock,
): StopSignal {
  const hasDeadline = Number.isFinite(deadlineAt);
  if (!callerSignal && !hasDeadline) return UNSTOPPABLE;
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(new StopReason('aborted'));
  if (callerSignal?.aborted) onCallerAbort();
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  // Aborting builds a DOMException with a stack: only a send with a deadline pays for a timer.
  const timer = hasDeadline ? new AbortController() : undefined;
  if (timer) {
    clock.sleep(Math.max(0, deadlineAt - startedAt), timer.signal).then(
      () => controller.abort(new StopReason('deadline_exceeded')),
      () => {},
    );
  }
  return {
    signal: controller.signal,
    waits: controller.signal,
    stopped: () => (controller.signal.aborted ? (controller.signal.reason as StopReason).code : undefined),
    dispose() {
      timer?.abort();
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
