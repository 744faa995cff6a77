/** @internal */
const UNEXPECTED_RESPONSE_MARKER = Symbol.for('mailover.unexpected-response');

/**
 * The provider (or something in its place: a proxy, a wrong endpoint) answered a send with success
 * but without the message id every real acceptance carries. The message may have been accepted, so
 * every adapter's classifier reports it as code `unknown`, outcome `unknown`.
 */
export class UnexpectedResponseError extends Error {
  /** @internal */
  readonly [UNEXPECTED_RESPONSE_MARKER] = true;
  override name = 'UnexpectedResponseError';

  constructor(
    /** The provider's display name, `SendGrid`. */
    readonly provider: string,
    /** The HTTP status of the answer, 0 when unknown. */
    readonly status: number,
    /** What was missing, `an X-Message-Id header`. Default `a message id`. */
    missing = 'a message id',
  ) {
    super(`${provider} answered ${status || 'success'} without ${missing}`);
  }

  static isInstance(error: unknown): error is UnexpectedResponseError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[UNEXPECTED_RESPONSE_MARKER] === true
    );
  }
}
