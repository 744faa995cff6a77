/**
 * The one spelling of an address on the suppression list: the message schema's own check
 * (`checkMailbox`: trimmed, domain in ASCII via IDNA), then lower-cased whole, as Store keys are.
 * So `Ada@Bücher.example`, `ada@xn--bcher-kva.example` and a provider's `ADA@XN--BCHER-KVA.EXAMPLE`
 * are one entry. docs/suppression.md, "Addresses".
 */
import { checkMailbox, quote } from '../message/address.js';
import { MailoverError } from '../errors.js';

/** The normalized address, or a MailoverError naming `field` and why. */
export function suppressionAddress(text: unknown, field = 'address'): string {
  if (typeof text !== 'string') {
    throw new MailoverError(`suppressions: ${field} must be an email address string (got ${typeof text})`);
  }
  const checked = checkMailbox(text.trim());
  if (typeof checked !== 'string') throw new MailoverError(`suppressions: ${field} ${checked.problem}`);
  return checked.toLowerCase();
}

/** A scope name: `*` or a stream name of letters, digits, `.`, `_`, `-` (it is part of a Store key). */
export function suppressionScope(scope: unknown, field = 'scope'): string {
  if (scope === undefined) return '*';
  if (typeof scope === 'string' && (scope === '*' || /^[A-Za-z0-9._-]{1,64}$/.test(scope))) return scope;
  throw new MailoverError(
    `suppressions: ${field} ${typeof scope === 'string' ? quote(scope) : String(scope)} is not a scope; use "*" (every message) or a stream name of 1–64 letters, digits, ".", "_" or "-"`,
  );
}
