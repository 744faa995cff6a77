/**
 * Held-out replies, none from shared/data: real MTAs' and mailbox providers' wording written from
 * their sources and documentation (Postfix, Exim, Sendmail, Dovecot, Cyrus, greylistd,
 * policyd, rspamd, Amavis, Exchange Online, Gmail, Yahoo, Comcast, GMX, Orange, SES). The
 * classifier must get these right without having seen them.
 */
import { describe, expect, it } from 'vitest';
import { classifySmtpReply, type SmtpReplyCategory } from '../src/index.js';

const unseen: ReadonlyArray<readonly [reply: string, category: SmtpReplyCategory, transient: boolean]> = [
  // Greylisting, with and without the word.
  [
    '451 4.7.1 192.0.2.7 is not yet authorized to deliver mail from <alice@example.com> to <bob@example.org>. Please try later.',
    'greylisting',
    true,
  ],
  [
    '451 4.7.1 <bob@example.org>: Recipient address rejected: Greylisting in effect, please come back later',
    'greylisting',
    true,
  ],
  ['451 4.7.1 Try again later', 'greylisting', true],
  [
    '450 4.7.1 <bob@example.org>: Recipient address rejected: Deferred by greylisting policy',
    'greylisting',
    true,
  ],
  ['defer: Greylisted - please try again later', 'greylisting', true],
  // Rate limits.
  ['450 4.7.1 Error: too much mail from 192.0.2.7', 'rate_limit', true],
  ['452 4.3.1 mx.example.org Error: too many recipients from 192.0.2.7', 'rate_limit', true],
  [
    '421 mwinf5c10 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR005_104 [104]',
    'rate_limit',
    true,
  ],
  ['451 4.7.0 Sender rate overlimit - please try again slower', 'rate_limit', true],
  // Mailbox full and busy.
  ['452 4.2.2 <bob@example.org> Quota exceeded (mailbox for user is full)', 'mailbox_full', true],
  [
    '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
    'mailbox_full',
    false,
  ],
  ['450 4.2.1 Mailbox in use, try again later', 'mailbox_busy', true],
  ['451 4.2.0 Mailbox is locked by another process', 'mailbox_busy', true],
  // Policy and reputation.
  [
    '421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    'policy_reputation',
    true,
  ],
  ['554 5.7.9 Message not accepted for policy reasons.', 'policy_reputation', false],
  ['550 Administrative prohibition', 'policy_reputation', false],
  ['554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: Access denied', 'policy_reputation', false],
  [
    '451 4.7.650 The mail server [192.0.2.7] has been temporarily rate limited due to IP reputation.',
    'policy_reputation',
    true,
  ],
  [
    '550-5.7.26 This message does not pass authentication checks (SPF and DKIM both do not pass).',
    'policy_reputation',
    false,
  ],
  // Blocklists.
  [
    '554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.example-dnsbl.org; see the listing page',
    'blocklisted',
    false,
  ],
  [
    '550 5.7.606 Access denied, banned sending IP [192.0.2.7]. To request removal from this list please visit https://sender.office.com/',
    'blocklisted',
    false,
  ],
  [
    '554 resimta-ch2-18v.sys.comcast.net comcast 192.0.2.7 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000001',
    'blocklisted',
    false,
  ],
  ['550 Rejected because 192.0.2.7 is in a black list at dnsbl.example.net', 'blocklisted', false],
  // DNS.
  ['450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.7]', 'dns', true],
  ['450 4.7.1 <mail.example>: Helo command rejected: Host not found', 'dns', true],
  [
    '451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain',
    'dns',
    true,
  ],
  [
    '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.0 Unable to lookup DNS for example.org>',
    'dns',
    false,
  ],
  // Connections.
  ['connect to mx.example.org[192.0.2.7]:25: Connection timed out', 'connection', true],
  [
    'lost connection with mx.example.org[192.0.2.7] while receiving the initial server greeting',
    'connection',
    true,
  ],
  [
    '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."',
    'connection',
    true,
  ],
  // Server trouble.
  ['451 4.3.0 Temporary system failure. Please try again later.', 'server_busy', true],
  ['421 4.3.2 System not accepting network messages', 'server_busy', true],
  ['421 4.3.2 Too much load; try again later', 'server_busy', true],
  // SMTP authentication.
  ['535 5.7.8 Error: authentication failed: authentication failure', 'auth_required', false],
  ['530 5.7.57 Client not authenticated to send mail.', 'auth_required', false],
  // Unknown recipients.
  [
    '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
    'recipient_unknown',
    false,
  ],
  [
    '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    'recipient_unknown',
    false,
  ],
  ['550 Unrouteable address', 'recipient_unknown', false],
  ['550 User <bob@example.org> unknown', 'recipient_unknown', false],
  // Content.
  ['554 5.7.0 Reject, id=12345-01 - INFECTED: Eicar-Test-Signature', 'content_rejected', false],
  ['550 5.7.1 Message rejected as spam by Content Filtering.', 'content_rejected', false],
  ['550 This message scored 15.2 spam points.', 'content_rejected', false],
  [
    '552-5.7.0 This message was blocked because its content presents a potential security issue.',
    'content_rejected',
    false,
  ],
  // Other.
  ['451 4.3.0 Temporary lookup failure', 'other_transient', true],
  [
    '450 4.1.1 <bob@example.org>: Recipient address rejected: unverified address: host mx.example.org[192.0.2.7] said: 450 4.2.0 Greylisted',
    'other_transient',
    true,
  ],
  ['554 5.7.1 <bob@example.org>: Relay access denied', 'other_permanent', false],
  ['552 5.3.4 Message size exceeds fixed maximum message size', 'other_permanent', false],
  ['500 5.5.1 Command unrecognized', 'other_permanent', false],
];

/**
 * Two more batches, written blind (before looking at what the classifier answers): the first
 * scored 44/51 and the second 43/46 before their misses were turned into phenomenon rules
 * (sender-domain wording with dots, per-hour limits, dynamic IPs, RFC 5322 compliance, "rejected
 * as spam", phishing, spam probability, disk space). Kept as regressions.
 */
const blind: ReadonlyArray<readonly [reply: string, category: SmtpReplyCategory]> = [
  ['550 5.7.520 Access denied, Your organization does not allow external forwarding.', 'policy_reputation'],
  ['550 5.7.1 Service unavailable, Client host [192.0.2.7] blocked using Spamhaus.', 'blocklisted'],
  ['421 4.3.2 Service not available, closing transmission channel', 'server_busy'],
  ['550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds', 'content_rejected'],
  [
    "550-5.7.1 [192.0.2.7] The IP you're using to send mail is not authorized to send email directly to our servers.",
    'policy_reputation',
  ],
  [
    '421-4.7.0 [192.0.2.7 15] Our system has detected that this message is suspicious due to the very low reputation of the sending IP address.',
    'policy_reputation',
  ],
  ['550-5.7.1 Unauthenticated email is not accepted from this domain.', 'policy_reputation'],
  ['450-4.2.1 The user you are trying to contact is receiving mail too quickly.', 'rate_limit'],
  ['550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org', 'blocklisted'],
  ['421 4.4.2 mx.example.org Error: timeout exceeded', 'connection'],
  ['550 5.7.1 <bob@example.org>... Relaying denied. Proper authentication required.', 'auth_required'],
  ['553 5.1.8 <a@invalid.example>... Domain of sender address a@invalid.example does not exist', 'dns'],
  ['451 4.1.8 Domain of sender address a@example.com does not resolve', 'dns'],
  ['421 4.3.2 Too many open connections', 'rate_limit'],
  ['553 sorry, your envelope sender has been denied (#5.7.1)', 'policy_reputation'],
  ['552 sorry, that message size exceeds my databytes limit (#5.3.4)', 'other_permanent'],
  ['451 4.3.0 <bob@example.org> Temporary internal error', 'server_busy'],
  ["550 5.1.1 <bob@example.org> User doesn't exist: bob@example.org", 'recipient_unknown'],
  [
    '550-Mailbox unknown. Either there is no mailbox associated with this\n550-name or you do not have authorization to see it.\n550 5.1.1 User unknown',
    'recipient_unknown',
  ],
  [
    '550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369#550',
    'policy_reputation',
  ],
  ['550 Rejected by header based Anti-Spoofing policy', 'policy_reputation'],
  ['550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550', 'recipient_unknown'],
  ['550 5.7.1 Rejected: 192.0.2.7 listed at zen.spamhaus.org', 'blocklisted'],
  ['554 5.7.1 ACL dns_rbl; Client host [192.0.2.7] blocked using bl.spamcop.net', 'blocklisted'],
  ['554-Transaction failed 554-Reject due to policy restrictions.', 'policy_reputation'],
  ['454 Throttling failure: Daily message quota exceeded.', 'rate_limit'],
  ['451 4.7.1 Ratelimit exceeded', 'rate_limit'],
  [
    '550 5.7.23 <bob@example.org>: Recipient address rejected: Message rejected due to: SPF fail - not authorized.',
    'policy_reputation',
  ],
  ['450 4.7.25 Client host rejected: cannot find your reverse hostname, [192.0.2.7]', 'dns'],
  ['421 4.7.0 Temporary Failure: too many errors', 'other_transient'],
  [
    '553 5.3.0 flpd576 DNSBL:RBL 521< 192.0.2.7 >_is_blocked.For assistance forward this error to abuse_rbl@abuse-att.net',
    'blocklisted',
  ],
  ['554 5.7.1 cox.net rejected due to IP Reputation. AUP#1260', 'policy_reputation'],
  [
    "421 RP-001 (BAY004-MC1F41) Unfortunately, some messages from 192.0.2.7 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day.",
    'rate_limit',
  ],
  [
    "550 SC-001 (BAY004-MC4F13) Unfortunately, messages from 192.0.2.7 weren't sent. Please contact your Internet service provider. You can tell them that Hotmail does not relay dynamically-assigned IP ranges.",
    'policy_reputation',
  ],
  [
    '550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant and include a valid From address',
    'content_rejected',
  ],
  ['550 Your message has been rejected as spam', 'content_rejected'],
  ['452 4.2.2 Mailbox full', 'mailbox_full'],
  ['451 4.7.1 Please try again later (greylisting)', 'greylisting'],
  ['450 Requested action aborted: greylisted, please retry in 5 minutes', 'greylisting'],
  ['451 4.7.1 Temporarily rejected. Try again later.', 'greylisting'],
  ['421 4.7.0 Too many connections from your IP, please try again later', 'rate_limit'],
  [
    '550 5.1.1 Recipient address rejected: undeliverable address: host mx.example.org said: 550 5.1.1 No such user',
    'recipient_unknown',
  ],
  ['554 5.4.14 Hop count exceeded - possible mail loop ATTR34', 'other_permanent'],
  ['550 5.4.316 Message expired, connection refused(Socket error code 10061)', 'connection'],
  ['550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.', 'policy_reputation'],
  [
    '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains.',
    'policy_reputation',
  ],
  ['535 5.7.3 Authentication unsuccessful', 'auth_required'],
  ['552 5.3.4 Error: message file too big', 'other_permanent'],
  [
    '550 5.7.1 Message rejected: This message contains a potentially dangerous attachment.',
    'content_rejected',
  ],
  ['451 4.7.0 Temporary server error. Please try again later. PRX4', 'server_busy'],
  ['450 4.7.1 Greylisted', 'greylisting'],
  ['451 4.7.1 Greylisting: please retry in 15 minutes', 'greylisting'],
  ['451 4.7.1 Try again later (greylisting)', 'greylisting'],
  [
    '421 4.7.0 [TS01] Messages from 192.0.2.7 temporarily deferred due to user complaints',
    'policy_reputation',
  ],
  ['451 4.7.1 You are greylisted for 5 minutes', 'greylisting'],
  [
    '450 4.7.1 Service unavailable; Client host [192.0.2.7] blocked using b.barracudacentral.org',
    'blocklisted',
  ],
  ['454 4.7.0 TLS not available due to local problem', 'other_transient'],
  ['550 5.1.2 Host unknown (Name server: example.org: host not found)', 'recipient_unknown'],
  ['451 4.4.3 Host mx.example.org not found: Name server timeout', 'dns'],
  ['421 4.4.1 Host example.org is down', 'connection'],
  ['554 5.0.0 Service unavailable', 'other_permanent'],
  ['550 5.7.0 Local Policy Violation', 'policy_reputation'],
  ['552 5.2.0 Message exceeds maximum size', 'other_permanent'],
  ['550 5.2.1 Mailbox disabled, not accepting messages', 'recipient_unknown'],
  ['421 4.7.0 Connection refused - too many connections from your IP address', 'rate_limit'],
  ['550 5.7.350 Remote server returned message detected as spam', 'content_rejected'],
  ['550 5.7.1 Delivery not authorized, message refused', 'policy_reputation'],
  [
    '554 5.7.1 The message was rejected because it contains prohibited virus or spam content',
    'content_rejected',
  ],
  ['550 High probability of spam', 'content_rejected'],
  ['554 5.7.1 Message rejected due to suspected phishing', 'content_rejected'],
  ['550 5.7.1 Email contains a banned file type (.exe)', 'content_rejected'],
  [
    '421 4.3.0 collect: Cannot write ./dfXXXX (bfcommit, uid=0, gid=25): No space left on device',
    'server_busy',
  ],
  ['550 5.5.3 Too many recipients', 'rate_limit'],
  ['421 Service not available - too busy', 'server_busy'],
  ['450 4.7.1 Client host rejected: Too many connections', 'rate_limit'],
  ['550 Sender address is blacklisted', 'blocklisted'],
  ['530 5.7.1 Client was not authenticated', 'auth_required'],
  [
    '554 5.7.0 Your message could not be sent. The limit on the number of allowed outgoing messages was exceeded. Try again later.',
    'rate_limit',
  ],
  ['550 5.7.1 Recipient not authorized, your IP has been found on a block list', 'blocklisted'],
  ['450 4.2.0 Recipient address rejected: graylisted', 'greylisting'],
  ['451 4.7.1 Temporary rejection, please retry later', 'greylisting'],
  ['421 4.7.0 Too many SMTP sessions for this host', 'rate_limit'],
  [
    '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in relay recipient table',
    'recipient_unknown',
  ],
  ['452 4.2.2 <bob@example.org>: Recipient address rejected: Mailbox over quota', 'mailbox_full'],
  ['450 4.2.1 <bob@example.org>: mailbox temporarily locked, try again later', 'mailbox_busy'],
  ['421 4.4.2 mx.example.org Error: timeout exceeded', 'connection'],
  ['451 4.4.1 No answer from host', 'connection'],
  ['550 5.7.1 Your IP address is listed in our DNSBL', 'blocklisted'],
  ['554 5.7.1 DMARC validation failed for example.com', 'policy_reputation'],
  ['451 Could not resolve MX for example.org', 'dns'],
  ['550 5.1.0 Address rejected.', 'recipient_unknown'],
  ['535 Incorrect authentication data', 'auth_required'],
  ['550 Access denied - Invalid HELO name (See RFC2821 4.1.1.1)', 'policy_reputation'],
  ['451 4.3.2 Please retry later, the server is overloaded', 'server_busy'],
  ['452 Too many recipients in this message', 'rate_limit'],
  ['550 5.7.0 Message looks like spam, rejected', 'content_rejected'],
];

describe('classifySmtpReply on replies it has never seen', () => {
  it.each(unseen)('%s → %s', (reply, category, transient) => {
    const result = classifySmtpReply(reply);
    expect({ category: result.category, transient: result.transient }).toEqual({ category, transient });
  });

  it.each(blind)('%s → %s', (reply, category) => {
    expect(classifySmtpReply(reply).category).toBe(category);
  });

  it('covers every category', () => {
    const covered = new Set(unseen.map(([, category]) => category));
    expect(covered.size).toBe(14);
  });
});
