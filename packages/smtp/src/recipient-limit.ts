/**
 * A relay's limit on recipients per transaction. RFC 5321 §4.5.3.1.10: a server out of room for
 * more `RCPT TO`s answers 452 ("too many recipients"; 552 in RFC 821's wording, to be read as
 * temporary), and the client sends the message to the rest in another transaction. The SMTP
 * adapter does that at once, within the same send (docs/failure-taxonomy.md, "Recipients refused at
 * send time"); any other refusal is reported, not retried.
 */
import type { ProviderRejectedRecipient } from '@mailover/core/provider';
import { scrubSecrets } from '@mailover/core/provider';
import { rejectedRecipientsOf } from './mapping.js';

/** At most this many transactions for one send: a relay that takes one recipient each (a common
 * anti-spam setting) still delivers a message of up to this many recipients in one send. */
export const MAX_TRANSACTIONS = 100;

/**
 * True when a `RCPT TO` reply says the transaction holds all the recipients the relay takes: a 452
 * or 552 whose enhanced code is X.5.3 ("too many recipients", RFC 3463), or that has no enhanced
 * code and says so in words. A 452 4.2.2 (mailbox full) or 4.3.1 (out of storage) is not.
 */
export function isRecipientLimitReply(reply: string): boolean {
  const code = /^([45])52[ -](?:([245])\.(\d{1,3})\.(\d{1,3})\b)?/.exec(reply);
  if (!code) return false;
  if (code[2] !== undefined) return code[3] === '5' && code[4] === '3';
  return code[1] === '4' || /\btoo many recipients\b|\brecipients? (?:per message )?limit\b/i.test(reply);
}

/**
 * After the first transaction: while the relay refused recipients only for its limit and took
 * someone, send the message again to those in a new transaction. Returns what stays refused (the
 * other refusals, and the limit's when a round takes nobody, the transactions run out, or a later
 * transaction fails: the message went to the others already, so a failure there is a refusal of
 * the rest, never a failed send that the engine would retry for everyone).
 */
export async function sendTheRest(
  first: unknown,
  transact: (recipients: readonly string[]) => Promise<unknown>,
  secrets: readonly string[],
): Promise<ProviderRejectedRecipient[] | undefined> {
  const refused: ProviderRejectedRecipient[] = [];
  let info = first;
  for (let transaction = 1; ; transaction++) {
    const overLimit: ProviderRejectedRecipient[] = [];
    for (const entry of rejectedRecipientsOf(info, secrets) ?? [])
      (isRecipientLimitReply(entry.reply) ? overLimit : refused).push(entry);
    if (overLimit.length === 0) break;
    if (!tookSomeone(info) || transaction >= MAX_TRANSACTIONS) {
      refused.push(...overLimit);
      break;
    }
    try {
      info = await transact(overLimit.map((entry) => entry.recipient));
    } catch (error) {
      const reply = scrubSecrets(replyOf(error), secrets);
      refused.push(...overLimit.map((entry) => ({ recipient: entry.recipient, reply })));
      break;
    }
  }
  return refused.length > 0 ? refused : undefined;
}

function tookSomeone(info: unknown): boolean {
  const { accepted } = (info ?? {}) as { accepted?: unknown };
  return Array.isArray(accepted) && accepted.length > 0;
}

/** The relay's reply in a failed transaction (nodemailer's `response`), else the error's message. */
function replyOf(error: unknown): string {
  const { response, message } = (error ?? {}) as { response?: unknown; message?: unknown };
  if (typeof response === 'string' && response !== '') return response;
  return typeof message === 'string' && message !== '' ? message : 'the relay failed the transaction';
}
