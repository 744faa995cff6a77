/**
 * Recipients the accepting provider refused at send time — an SMTP relay answers each `RCPT TO` on
 * its own, and takes the message for the others. Checked against what was sent, classified,
 * reported in the result and recorded like a provider's event (history, state, suppression).
 * docs/failure-taxonomy.md, "Recipients refused at send time".
 */
import type { DeliveryEvent } from '../delivery-event.js';
import { allRecipients, type NormalizedMessage } from '../message/types.js';
import type { ProviderSendResult } from '../provider.js';
import type { RejectedRecipient, SendResult } from '../send-result.js';
import { classifySmtpReply } from '../smtp/classify.js';

const MAX_REPLY_LENGTH = 300;

/** The reply on one line: C0, DEL, C1 and the Unicode line separators become spaces (it ends up in logs). */
function oneLine(reply: string): string {
  let line = '';
  for (const char of reply) {
    const code = char.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    line += control ? ' ' : char;
  }
  return line.replace(/ {2,}/g, ' ').trim();
}

/**
 * The refusals an adapter reported, kept only for recipients this call went to (the message's own
 * spelling), once each; undefined when there are none (the common case costs one check).
 */
export function rejectionsOf(
  accepted: ProviderSendResult,
  message: NormalizedMessage,
  sentTo: readonly string[] | undefined,
): RejectedRecipient[] | undefined {
  const reported = accepted.rejected;
  if (!Array.isArray(reported) || reported.length === 0) return undefined;
  const bySpelling = new Map<string, string>();
  for (const address of sentTo ?? allRecipients(message).map((entry) => entry.address)) {
    bySpelling.set(address.toLowerCase(), address);
  }
  const rejected = new Map<string, RejectedRecipient>();
  for (const entry of reported) {
    if (typeof entry?.recipient !== 'string' || typeof entry.reply !== 'string') continue;
    const address = bySpelling.get(entry.recipient.toLowerCase());
    if (address === undefined || rejected.has(address)) continue;
    const reply = oneLine(entry.reply).slice(0, MAX_REPLY_LENGTH);
    const { category, transient } = classifySmtpReply(reply);
    rejected.set(address, { address, reply, category, transient });
  }
  return rejected.size > 0 ? [...rejected.values()] : undefined;
}

/**
 * The refusals as delivery events from the accepting provider: `bounced` when permanent (so a
 * `550 5.1.1` suppresses like a bounce webhook would), `dropped` when transient — the provider did
 * not queue the message for that recipient, so nothing will arrive later.
 */
export function rejectionEvents(result: SendResult, time: number): DeliveryEvent[] {
  return (result.rejected ?? []).map((entry) => {
    const classification = classifySmtpReply(entry.reply);
    return {
      type: entry.transient ? 'dropped' : 'bounced',
      provider: result.provider,
      providerMessageId: result.providerMessageId,
      mailoverId: result.id,
      recipient: entry.address,
      time,
      smtp: {
        ...(classification.basic ? { basic: classification.basic } : {}),
        ...(classification.enhanced ? { enhanced: classification.enhanced } : {}),
        text: entry.reply,
        classification,
      },
      eventId: `rcpt:${result.id}:${entry.address.toLowerCase()}`,
      raw: { rcptReply: entry.reply },
    };
  });
}
