/** What each category means and what a sender should do about it, in plain words. */
import type { SmtpReplyCategory } from './types.js';

interface Wording {
  /** What the reply means, without the final period (an enhanced code's meaning may follow). */
  readonly explanation: string;
  /** What to do when the reply is transient. */
  readonly adviceTransient: string;
  /** What to do when the reply is permanent (or the sender already gave up). */
  readonly advicePermanent: string;
}

export const WORDING: Readonly<Record<SmtpReplyCategory, Wording>> = {
  greylisting: {
    explanation:
      'The receiving server is greylisting: it turns away the first attempts from a sender and IP address it has not seen before and accepts a retry after a delay',
    adviceTransient:
      'Retry from the same IP address after a few minutes; if the provider retries from rotating IPs, re-send through a fixed-IP provider.',
    advicePermanent:
      'The greylister never accepted a retry: re-send through a provider with a fixed sending IP that retries after a few minutes.',
  },
  rate_limit: {
    explanation:
      'The receiving server is limiting how fast, how often or to how many recipients this sender may send',
    adviceTransient:
      'Slow down: send fewer messages, connections or recipients at once, and retry later with backoff.',
    advicePermanent:
      'Slow down and spread sending over time (fewer recipients per message); re-send later at a lower rate.',
  },
  mailbox_full: {
    explanation: "The recipient's mailbox is full (over its storage quota)",
    adviceTransient: "The recipient's mailbox is full: retry later, when they may have made room.",
    advicePermanent:
      'Stop sending to this address for now and reach the recipient another way; their mailbox is full.',
  },
  mailbox_busy: {
    explanation: "The recipient's mailbox is busy or locked by another delivery or session",
    adviceTransient: 'Retry shortly; the mailbox is usually free again within minutes.',
    advicePermanent: 'Re-send later; the mailbox was busy and the delivery was given up.',
  },
  policy_reputation: {
    explanation:
      "The receiving server refused the mail because of a policy or the sender's reputation (authentication, sending IP or domain standing)",
    adviceTransient:
      'Authenticate the mail (SPF, DKIM and an aligned DMARC), warm up new IPs and domains slowly, and retry later at a lower rate.',
    advicePermanent:
      "Fix authentication (SPF, DKIM, DMARC) and sending reputation, or ask the recipient's administrator to allow the sender, before re-sending.",
  },
  dns: {
    explanation:
      'A DNS check failed: a reverse DNS (PTR) record, a domain lookup or an MX record could not be resolved',
    adviceTransient:
      'Check the DNS records of the sending IP and domains (PTR, A, MX); retry later if it was a lookup failure.',
    advicePermanent:
      'Fix the DNS records (PTR for the sending IP, A/MX for the domains) before sending again.',
  },
  connection: {
    explanation: 'The connection to the receiving server failed, timed out or was dropped',
    adviceTransient: 'Retry later; a connection problem is usually temporary.',
    advicePermanent:
      'Delivery was given up after connection failures: check that the recipient domain is reachable, then re-send.',
  },
  server_busy: {
    explanation: 'The receiving server is overloaded or has a temporary system problem (storage, resources)',
    adviceTransient: 'Retry later with backoff; the problem is on the receiving side.',
    advicePermanent: 'The receiving side kept failing: re-send later or reach the recipient another way.',
  },
  auth_required: {
    explanation:
      'The server requires SMTP authentication (or TLS first) and the client was not authenticated or its credentials were refused',
    adviceTransient: 'Check the SMTP credentials and TLS settings, then retry later.',
    advicePermanent:
      'Fix the SMTP credentials or authentication settings of this relay; retrying as is will not help.',
  },
  recipient_unknown: {
    explanation: 'The recipient address does not exist or is disabled',
    adviceTransient: 'The recipient may not exist: check the address before retrying.',
    advicePermanent: 'Do not retry: remove or correct the address.',
  },
  content_rejected: {
    explanation:
      "The message's content was refused: judged spam or malicious, or its headers or attachments are not accepted",
    adviceTransient: 'Review the content, links, headers and attachments, then retry.',
    advicePermanent:
      'Change the content (headers, links, attachments, spam-like wording) before sending again.',
  },
  blocklisted: {
    explanation: 'The sending IP address or domain is on a blocklist the receiving server uses',
    adviceTransient:
      'Look up the listing and request delisting; send through another IP or provider meanwhile.',
    advicePermanent:
      'Get the IP or domain delisted (see the blocklist named in the reply) or send through another provider.',
  },
  other_transient: {
    explanation: 'The receiving server deferred the message for a temporary reason',
    adviceTransient: 'Retry later with backoff.',
    advicePermanent: 'Delivery was given up: re-send later if the message still matters.',
  },
  accepted: {
    explanation:
      'The receiving server accepted the message (or the command): this is a success, not a deferral',
    adviceTransient: 'Nothing to do: the reply is a success.',
    advicePermanent: 'Nothing to do: the reply is a success.',
  },
  other_permanent: {
    explanation: 'The receiving server refused the message permanently',
    adviceTransient: 'Read the reply text: the cause may need a change before a retry helps.',
    advicePermanent: 'Do not retry unchanged: read the reply text and fix the cause first.',
  },
};
