import type { FailureCode } from './failures.js';
import type { SendAttempt, SuppressedRecipient } from './send-result.js';

const MARKER = Symbol.for('mailover.error');

/**
 * Base class of every error mailover throws. Recognise it with `MailoverError.isInstance(error)`,
 * which works across two copies of the package (a `Symbol.for` marker, not `instanceof`).
 */
export class MailoverError extends Error {
  /** @internal Marks mailover errors across package copies. */
  readonly [MARKER] = true;
  /** `'MailoverError'`, or the subclass's name. */
  override name = 'MailoverError';

  /** Whether `error` is a mailover error, even one made by another copy of this package. */
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
  /** @internal Marks validation errors across package copies. */
  readonly [VALIDATION_MARKER] = true;
  /** Always `'ValidationError'`. */
  override name = 'ValidationError';
  /** Always `'invalid_message'`, the taxonomy code of a message that would fail anywhere. */
  readonly code = 'invalid_message' as const;

  constructor(
    /** Every problem found, each with the field's path and what to change. */
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `Invalid message: ${issues.map((issue) => `${issue.path || '(message)'}: ${issue.message}`).join('; ')}`,
    );
  }

  /** Whether `error` is a ValidationError, even one made by another copy of this package. */
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
  /** @internal Marks send errors across package copies. */
  readonly [SEND_MARKER] = true;
  /** Always `'SendError'`. */
  override name = 'SendError';

  constructor(
    message: string,
    /** The decisive failure code, or why the engine stopped: the deadline, an abort, no usable provider. */
    readonly code: FailureCode | 'deadline_exceeded' | 'aborted' | 'no_provider',
    /** Every call made, in order. */
    readonly attempts: readonly SendAttempt[],
    /** mailover's id for the message (look it up with `mailer.status(id)`). */
    readonly id: string,
    /** The RFC 5322 Message-ID every attempt carried. */
    readonly messageId: string,
    /** True when an attempt may have been accepted despite the failure (a duplicate is possible). */
    readonly possiblyDelivered: boolean,
    /** Recipients left out because they are suppressed (code `recipient_suppressed`: all of them). */
    readonly suppressed: readonly SuppressedRecipient[] = [],
  ) {
    super(message);
  }

  /** Whether `error` is a SendError, even one made by another copy of this package. */
  static override isInstance(error: unknown): error is SendError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[SEND_MARKER] === true
    );
  }
}
