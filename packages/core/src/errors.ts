import type { FailureCode } from './failures.js';
import type { SendAttempt } from './engine/types.js';

const MARKER = Symbol.for('mailover.error');

/**
 * Base class of every error mailover throws. Recognise it with `MailoverError.isInstance(error)`,
 * which works across two copies of the package (a `Symbol.for` marker, not `instanceof`).
 */
export class MailoverError extends Error {
  readonly [MARKER] = true;
  override name = 'MailoverError';

  static isInstance(error: unknown): error is MailoverError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** One reason a message was refused before any provider was called. */
export interface ValidationIssue {
  /** Where in the message: `to[1].address`, `headers.X-Trace`, `attachments[0].content`. */
  readonly path: string;
  /** Why, in words a developer can act on. */
  readonly message: string;
}

const VALIDATION_MARKER = Symbol.for('mailover.error.validation');

/** The message is invalid: nothing was sent. `issues` names each field and why. */
export class ValidationError extends MailoverError {
  readonly [VALIDATION_MARKER] = true;
  override name = 'ValidationError';
  readonly code = 'invalid_message' as const;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      `Invalid message: ${issues.map((issue) => `${issue.path || '(message)'}: ${issue.message}`).join('; ')}`,
    );
  }

  static override isInstance(error: unknown): error is ValidationError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[VALIDATION_MARKER] === true
    );
  }
}

const SEND_MARKER = Symbol.for('mailover.error.send');

/**
 * No provider accepted the message. `code` is the decisive failure (the one that ended the send);
 * `attempts` lists every call that was made, in order.
 */
export class SendError extends MailoverError {
  readonly [SEND_MARKER] = true;
  override name = 'SendError';

  constructor(
    message: string,
    readonly code: FailureCode | 'deadline_exceeded' | 'aborted' | 'no_provider',
    readonly attempts: readonly SendAttempt[],
    readonly id: string,
    readonly messageId: string,
    /** True when an attempt may have been accepted despite the failure (a duplicate is possible). */
    readonly possiblyDelivered: boolean,
  ) {
    super(message);
  }

  static override isInstance(error: unknown): error is SendError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[SEND_MARKER] === true
    );
  }
}
