import type { NormalizedMessage } from '../message/types.js';
import type { ProviderLimits } from '../provider.js';

/**
 * Each provider's blocked extensions as a Set, built once per limits object: SES and Postmark
 * block about 80, and building the Set on every send cost 3–4 µs a message.
 */
const blockedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function blockedSet(extensions: readonly string[]): ReadonlySet<string> {
  let blocked = blockedSets.get(extensions);
  if (!blocked) {
    blocked = new Set(extensions.map((extension) => extension.toLowerCase()));
    blockedSets.set(extensions, blocked);
  }
  return blocked;
}

/** Why `message` does not fit a provider's limits, or undefined when it fits. */
export function exceededLimit(message: NormalizedMessage, limits: ProviderLimits): string | undefined {
  if (limits.maxMessageBytes !== undefined && message.sizeBytes > limits.maxMessageBytes) {
    return `message is ${message.sizeBytes} bytes, limit ${limits.maxMessageBytes}`;
  }
  const recipients = message.to.length + message.cc.length + message.bcc.length;
  if (limits.maxRecipients !== undefined && recipients > limits.maxRecipients) {
    return `${recipients} recipients, limit ${limits.maxRecipients}`;
  }
  if (limits.maxAttachments !== undefined && message.attachments.length > limits.maxAttachments) {
    return `${message.attachments.length} attachments, limit ${limits.maxAttachments}`;
  }
  if (limits.blockedExtensions?.length && message.attachments.length > 0) {
    const blocked = blockedSet(limits.blockedExtensions);
    const refused = message.attachments.find((attachment) =>
      blocked.has(attachment.filename.split('.').pop()?.toLowerCase() ?? ''),
    );
    if (refused) return `attachment type of ${refused.filename} is refused`;
  }
  if (limits.asciiAddressesOnly) {
    const address = firstNonAsciiAddress(message);
    if (address !== undefined) {
      return `${address} has non-ASCII characters before the "@", and this provider takes ASCII addresses only (no SMTPUTF8)`;
    }
  }
  return undefined;
}

function firstNonAsciiAddress(message: NormalizedMessage): string | undefined {
  for (const list of [[message.from], message.to, message.cc, message.bcc, message.replyTo]) {
    for (const { address } of list) {
      for (let index = 0; index < address.length; index++)
        if (address.charCodeAt(index) >= 0x80) return address;
    }
  }
  return undefined;
}
