import { allRecipients, type NormalizedMessage } from '../message/types.js';
import type { ProviderLimits } from '../provider.js';

/** Why `message` does not fit a provider's limits, or undefined when it fits. */
export function exceededLimit(message: NormalizedMessage, limits: ProviderLimits): string | undefined {
  if (limits.maxMessageBytes !== undefined && message.sizeBytes > limits.maxMessageBytes) {
    return `message is ${message.sizeBytes} bytes, limit ${limits.maxMessageBytes}`;
  }
  const recipients = allRecipients(message).length;
  if (limits.maxRecipients !== undefined && recipients > limits.maxRecipients) {
    return `${recipients} recipients, limit ${limits.maxRecipients}`;
  }
  if (limits.maxAttachments !== undefined && message.attachments.length > limits.maxAttachments) {
    return `${message.attachments.length} attachments, limit ${limits.maxAttachments}`;
  }
  if (limits.blockedExtensions?.length) {
    const blocked = new Set(limits.blockedExtensions.map((extension) => extension.toLowerCase()));
    const refused = message.attachments.find((attachment) =>
      blocked.has(attachment.filename.split('.').pop()?.toLowerCase() ?? ''),
    );
    if (refused) return `attachment type of ${refused.filename} is refused`;
  }
  return undefined;
}
