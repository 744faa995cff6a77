/**
 * One way for every adapter to end a send when the engine's signal aborts (docs/adapters.md,
 * "Abort and deadline"): never start a request on an aborted signal, stop waiting as soon as it
 * aborts (whether or not the SDK takes a signal), and throw an `AbortError` the classifier reads as
 * a timeout with outcome `unknown`.
 */
import { NEVER_ABORTED, raceAbort } from '../adapter-kit.js';

/** The AbortError an adapter throws when the engine's signal ended its send. */
export function abortError(provider: string, cause?: unknown): DOMException {
  const error = new DOMException(`${provider}: the send was aborted before an answer came`, 'AbortError');
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}

/**
 * Run `start()` (the SDK call) unless `signal` has already aborted, and settle with it or with an
 * AbortError as soon as `signal` aborts. Failures that come after the abort are reported as the
 * abort, since the engine asked for it; any other failure is rethrown untouched.
 */
export function sendAbortable<T>(provider: string, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  // A send nothing can stop: the SDK's own promise, with no async layer around it (one promise and
  // one await fewer on every such send; docs/performance.md). What `start` throws still rejects.
  if (signal === NEVER_ABORTED) {
    try {
      return start();
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return abortable(provider, signal, start);
}

async function abortable<T>(provider: string, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw abortError(provider, signal.reason);
  try {
    return await raceAbort(start(), signal);
  } catch (error) {
    if (signal.aborted) throw abortError(provider, signal.reason);
    throw error;
  }
}
