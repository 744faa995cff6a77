/**
 * The defaults every adapter shares, written once (docs/adapters.md, "Options"). An adapter that
 * needs another value says why next to its own constant.
 */

/** How long one request to a provider may take before it counts as a timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * How far a signed webhook's timestamp may be from now, in seconds, either way. Five minutes, the
 * window SendGrid, Mailgun and Svix (Resend) document for their own verifiers.
 */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** The longest `ProviderFailure.message` an adapter reports: enough for the provider's sentence. */
export const MAX_FAILURE_MESSAGE_LENGTH = 300;
