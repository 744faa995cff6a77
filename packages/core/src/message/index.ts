/**
 * Message validation on its own: `normalizeMessage` checks a message against the zod schema and
 * fills its defaults, as `mailer.send()` does. A separate entry point so that importing
 * `@mailover/core` does not load zod; the engine loads it on the first send.
 */
export { DEFAULT_MAX_MESSAGE_BYTES, normalizeMessage, type NormalizeOptions } from './normalize.js';
