/**
 * Text rules, as data. Each rule names a phenomenon (how greylisters, rate limiters, blocklists,
 * mailbox stores… word their replies), the category it means, and a weight. The classifier takes
 * the heaviest match among these rules and the code tables; ties go to the earlier rule. The
 * categories and the boundaries between them are docs/smtp-labelling-guide.md's.
 *
 * Weights, highest first (the code tables sit at 50 and below, see classify.ts):
 *   100  the reply is about someone else's reply (a callout) or a verification in progress
 *    98  the reply says greylisting (99: and names a blocklist)
 *  90–97 specific vendor wording or a named cause (PTR, Spamhaus, quota, SPF/DKIM/DMARC, TLS)
 *  80–89 a clear phenomenon in plain words (user unknown, too many connections, server busy)
 *  70–78 broader wording (spam content, size, relaying, policy restrictions)
 *  55–65 weak cues that still beat a code (a bare "try again later" from 450/451, "blocked")
 *  35–40 hints that only beat catch-all codes
 *
 * `keys` are words every match of `pattern` contains (word-index.ts): a rule is only tested on a
 * reply that has one of them. smtp-rules.test.ts checks the keys against every reply of the
 * corpus, and every pattern with a ReDoS checker.
 */
import type { SmtpReplyCategory } from './types.js';
import type { Keyed } from './word-index.js';

export interface TextRule extends Keyed {
  /** The phenomenon, for readers and for debugging a classification. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly category: SmtpReplyCategory;
  readonly weight: number;
  /** Only for replies of these classes (0 = no code at all); any class when absent. */
  readonly classes?: readonly (0 | 4 | 5)[];
  /** Only for replies with these basic codes (0 = none); any when absent. */
  readonly basics?: readonly number[];
  /** Not when the enhanced code matches this. */
  readonly unlessEnhanced?: RegExp;
}

export const TEXT_RULES: readonly TextRule[] = [
  // The receiver's own check of *our* sender address was deferred (Exim callouts quote the
  // probed server's reply, which may itself say "greylisted"): not a greylisting of this delivery.
  {
    name: 'sender verification callout deferred',
    keys: ['callout', 'response', 'could'],
    pattern:
      /\bcallout\b|\bresponse to "?(?:RCPT TO|MAIL FROM)\b|\bcould not complete (?:sender|recipient) verify/i,
    category: 'other_transient',
    weight: 100,
  },
  {
    name: 'address verification in progress (Postfix reject_unverified_*)',
    keys: ['verification', 'unverified'],
    pattern: /\baddress verification (?:in progress|problem)|\bunverified address/i,
    category: 'other_transient',
    weight: 100,
  },

  // Greylisting, named as such (postgrey, sqlgrey, milter-greylist, Exim, Haraka, Stalwart, rspamd…),
  // unless the same reply says the sender is on a blocklist.
  {
    name: 'greylisting, sender blocklisted',
    keys: ['grey', 'gray', 'greylist', 'greylisted', 'greylisting', 'graylist', 'graylisted', 'graylisting'],
    pattern: /\b(?:grey|gray)[ -]?list[a-z]{0,6}\b.{0,80}\b(?:black|block)[ -]?listed\b/i,
    category: 'blocklisted',
    weight: 99,
  },
  {
    name: 'greylisting named',
    keys: [
      'grey',
      'gray',
      'greylist',
      'greylisted',
      'greylisting',
      'graylist',
      'graylisted',
      'graylisting',
      'postgrey',
      'sqlgrey',
    ],
    pattern: /\b(?:grey|gray)[ -]?list|\bpostgrey\b|\bsqlgrey\b/i,
    category: 'greylisting',
    weight: 98,
  },
  {
    name: 'greylister asks to come back later',
    keys: ['come'],
    pattern: /\bcome back (?:later|in\b)|\bplease come back\b/i,
    category: 'greylisting',
    weight: 90,
  },
  {
    name: 'sender not yet authorised (greylistd and similar)',
    keys: ['yet'],
    pattern: /\bnot yet (?:authori[sz]ed|allowed|permitted|accepted|whitelisted)\b/i,
    category: 'greylisting',
    weight: 92,
  },
  // Mimecast documents this text as its greylisting deferral.
  {
    name: 'Mimecast greylisting',
    keys: ['internal'],
    pattern: /\binternal resources? (?:is |are )?temporarily unavailable/i,
    category: 'greylisting',
    weight: 90,
  },
  // postscreen's deep protocol tests: the client must reconnect from the same IP later.
  {
    name: 'Postfix postscreen deep-protocol deferral',
    keys: ['service'],
    pattern: /^service currently unavailable\b/i,
    category: 'greylisting',
    weight: 90,
    basics: [450],
  },

  // DNS: reverse DNS, unresolvable domains, failed lookups.
  {
    name: 'reverse DNS / PTR missing',
    keys: ['ptr', 'reverse', 'rdns', 'cannot', 'hostname', 'helo', 'ehlo'],
    pattern:
      /\bPTR\b|\breverse (?:dns|lookup|look|name|mapping|hostname|resolution)|\brdns\b|\bcannot find your (?:host ?name|reverse)|\b(?:hostname|helo|ehlo)(?: domain| name| host)? (?:[\w.-]{1,60} )?(?:does not|doesn't|did not|cannot be) resolve|\b(?:possibly )?forged host ?name\b|\bip name (?:possibly )?forged\b/i,
    category: 'dns',
    weight: 95,
  },
  {
    name: 'temporary DNS failure',
    keys: ['dns', 'name', 'nameserver', 'servfail', 'dnssec'],
    pattern:
      /\bdns (?:query |lookup |resolution )?(?:failures?|failed|errors?|problems?|timeout|temporary)|\bdns query failed|\bname ?server (?:failure|timeout|reply)|\bservfail\b|\bname service error\b|\bdnssec\b/i,
    category: 'dns',
    weight: 95,
  },
  {
    name: 'DNS lookup failed',
    keys: ['unable', 'cannot', 'could', 'couldn', 'failed', 'lookup', 'dns', 'name'],
    pattern:
      /\b(?:unable to|cannot|could ?n[o']t|failed to) (?:look ?up|resolve)\b|\blookup dns\b|\bdns look-?up\b|\bname lookup failed\b/i,
    category: 'dns',
    weight: 90,
  },
  {
    name: 'forward DNS, resolver errors, a sender domain without mail exchangers',
    keys: ['forward', 'fcrdns', 'resolver', 'no', 'does'],
    pattern:
      /\bforward (?:dns|lookup|confirmed)\b|\bfcrdns\b|\bresolver (?:error|failure|timeout)\b|\bno mx (?:record )?for (?:your|the) (?:from|sender|envelope|mail from)\b|\bdoes not send (?:mail|email)\b/i,
    category: 'dns',
    weight: 93,
  },
  {
    name: 'sender domain does not resolve or accepts no mail',
    keys: ['sender', 'unresolvable', 'valid', 'domain'],
    pattern:
      /\bsender (?:address|domain)\b[^;]{0,60}?(?:domain not found|not found|does not exist|unresolvable|not resolve|does not accept mail|null ?mx)|\bunresolvable (?:rfc[. ]?5321 )?(?:from )?domain|\binvalid sender domain|\bvalid sender domain|\bsender domain (?:must|does not) (?:exist|resolve)|\bfrom:? ?domain must resolve\b/i,
    category: 'dns',
    weight: 96,
  },
  // Gmail and Postfix saying the recipient's domain has no usable DNS: it can never receive mail.
  {
    name: 'recipient domain does not exist (DNS answer)',
    keys: ['nxdomain', 'domain', 'had', 'doesn', 'host'],
    pattern:
      /\bresponded with code nxdomain|\bdomain name not found\b|\bhad no relevant answers\b|\bdoesn't receive email\b|^host or domain name not found\b/i,
    category: 'recipient_unknown',
    weight: 96,
  },
  {
    name: 'recipient domain does not exist (permanent)',
    keys: ['domain', 'host', 'such', 'unrouteable', 'nonexistent', 'non', 'invalid'],
    pattern:
      /\b(?:domain|host) not found\b|\bno such domain|\bdomain does not exist|\bunrouteable (?:mail )?domain|\bnon-?existent domain\b|\binvalid domain\b(?! name)/i,
    category: 'recipient_unknown',
    weight: 92,
    classes: [5],
  },
  {
    name: 'domain lookup failing (temporary)',
    keys: ['domain', 'host', 'such', 'unknown', 'nxdomain', 'mx', 'a', 'aaaa', 'no', 'invalid', 'dns'],
    pattern:
      /\b(?:domain|host) not found\b|\bno such domain|\bunknown host|\bnxdomain\b|\bmx (?:record|lookup|resource)|\ba\/aaaa\b|\bno (?:mx|a) record|\binvalid dns|\bdns (?:mx|ptr|a)\b/i,
    category: 'dns',
    weight: 90,
  },
  {
    name: 'sender address could not be verified',
    keys: ['unable', 'sender'],
    pattern:
      /\bunable to verify (?:the )?(?:sender )?address|\bsender address (?:could not|cannot) be verified/i,
    category: 'dns',
    weight: 70,
  },

  // Blocklists, by name or by what they are.
  {
    name: 'DNS blocklist named',
    keys: [
      'spamhaus',
      'spamcop',
      'sorbs',
      'uceprotect',
      'cloudmark',
      'barracuda',
      'barracudacentral',
      'mailspike',
      'psbl',
      'invaluement',
      'senderscore',
      'sbl',
      'xbl',
      'pbl',
      'dbl',
      'cbl',
      'css',
      'dnsbl',
      'rbl',
      'rbls',
      'uribl',
      'uribls',
      'ipbl',
      'dnsbls',
      'surbl',
      'abuseat',
      'spamrats',
      'dsbl',
    ],
    pattern:
      /\bspamhaus\b|\bspamcop\b|\bsorbs\b|\buceprotect\b|\bcloudmark\b|\bbarracuda ?(?:central|reputation|rbl)|\bbarracudacentral\b|\bmailspike\b|\bpsbl\b|\binvaluement\b|\bsenderscore\b|\b(?:SBL|XBL|PBL|DBL|CBL|CSS)\b|\b(?:dns|rbl|uri|ip|su)bls?\b|\brbls?\b|\babuseat\b|\bspamrats\b|\bdsbl\b/i,
    category: 'blocklisted',
    weight: 96,
  },
  {
    name: 'listed on a block list',
    keys: [
      'block',
      'blocklist',
      'blocklisted',
      'black',
      'blacklist',
      'blacklisted',
      'deny',
      'denylist',
      'denylisted',
      'is',
      'are',
      'was',
      'being',
      'listed',
      'banned',
      'blocked',
      'ip',
      'reputation',
    ],
    pattern:
      /\bblock[ -]?list(?:ed)?\b|\bblack[ -]?list(?:ed)?\b|\bdeny[ -]?list(?:ed)?\b|\b(?:is|are|was|being) listed (?:in|on|at|by)\b|\blisted (?:in|on|at|by) (?:one|the|a|an|our|several|multiple|\d)|\blisted (?:in|on|at) (?:[a-z\d-]{1,40}\.){1,5}[a-z]{2,12}\b|\b(?:is|are) (?:in|on) (?:my|our|the|a) (?!allow|white|safe|mailing|distribution)[a-z-]{1,30} ?list\b|\bbanned sending ip|\bblocked using [\w.-]{1,60}|\bip (?:address )?(?:is )?banned|\breputation database\b/i,
    category: 'blocklisted',
    weight: 90,
  },
  // milter-greylist's blacklist ACL answers with this default text.
  {
    name: 'milter-greylist blacklist default',
    keys: ['go'],
    pattern: /^go away\b/i,
    category: 'blocklisted',
    weight: 70,
  },

  // Mailbox full: quota on the recipient's side (a *sending* quota is rate limiting).
  {
    name: 'sending quota',
    keys: [
      'sending',
      'daily',
      'hourly',
      'message',
      'outbound',
      'relay',
      'send',
      'rate',
      'queue',
      'submission',
      'transfer',
      'quota',
      'max',
      'maximum',
      'messages',
      'recipients',
      'emails',
      'mails',
    ],
    pattern:
      /\b(?:sending|daily|hourly|message|outbound|relay|send|rate|queue|submission|transfer) quota\b|\bquota (?:for|of) (?:sending|messages|emails)|\bmax(?:imum)? number of (?:new\/first-time |new |first-time )?(?:messages|recipients|emails|mails)\b[^.;]{0,40}\b(?:reached|exceeded)\b|\b(?:messages|recipients|emails|mails)\b[^.;]{0,30}\bover (?:the )?past \d{1,3} ?(?:h|hours?|days?)\b/i,
    category: 'rate_limit',
    weight: 93,
  },
  {
    name: 'mailbox over quota',
    keys: [
      'over',
      'overquota',
      'quota',
      'exceed',
      'exceeded',
      'mailbox',
      'mail',
      'inbox',
      'account',
      'user',
      'out',
      'storage',
      'insufficient',
      'boite',
      'postfach',
      'disk',
      'too',
    ],
    pattern:
      /\bover ?quota\b|\bquota (?:exceeded|violation|full|reached)|\bexceeded? (?:\w{1,30} ){0,3}quota|\b(?:mail ?box|inbox|mail ?folder|account|user)(?: is| has)? (?:full|filled)\b|\bmailbox (?:size|storage) (?:limit )?(?:exceeded|full)|\bmailbox size limit|\bout of (?:storage|space)|\bstorage allocation|\bquota\b.{0,20}\bexceeded|\binsufficient (?:mailbox|quota)|\bboite (?:\w{1,30} ){0,3}pleine|\bpostfach (?:voll|ist voll)|\b(?:disk|storage) (?:space )?limit\b|\btoo many messages on the server\b/i,
    category: 'mailbox_full',
    weight: 90,
  },

  // SPF / DKIM / DMARC and other sender authentication policy.
  {
    name: 'sender authentication (SPF, DKIM, DMARC, ARC) failed',
    keys: ['spf', 'dkim', 'dmarc', 'arc', 'unauthenticated', 'not', 'alignment', 'sender', 'authenticate'],
    pattern:
      /\bSPF\b|\bDKIM\b|\bDMARC\b|\bARC (?:validation|check)|\bunauthenticated\b(?! (?:commands?|clients?|connections?|sessions?))|\bnot aligned\b|\balignment\b|\bsender (?:is |was )?not authenticated|\bauthenticate with either/i,
    category: 'policy_reputation',
    weight: 90,
  },
  {
    name: 'sending IP blocked for its behaviour',
    keys: ['blocked', 'block', 'unusual', 'unsolicited', 'originating', 'spam', 'junk'],
    pattern:
      /\b(?:ip|address|host|sender|client|domain|network)(?: address)? (?:has been|was|is) (?:temporarily |permanently )?blocked\b|\bblocked for the day|\bunusual (?:rate|amount|volume|number) of unsolicited|\bunsolicited (?:e-?)?mail originating|\boriginating from your (?:ip|address|host|server|network|domain)\b|\b(?:spam|unsolicited (?:e-?)?mail|junk (?:e-?)?mail) (?:\w{1,20} ){0,3}from your (?:ip|host|server|network|domain)\b|\bblock(?:ed)? for spam(?:ming)?\b|\bblocked for spamming\b/i,
    category: 'policy_reputation',
    weight: 95,
  },
  // The sender's address itself refused: not the recipient's (the recipient rules below).
  {
    name: 'sender address refused',
    keys: ['sender', 'unknown', 'invalid', 'bad', 'unacceptable', 'emetteur'],
    pattern:
      /\bsender address rejected\b|\b(?:unknown|invalid|bad|unacceptable) (?:outbound )?sender\b(?!'s)|\bemetteur invalide\b|\bsender (?:rejected|denied|blocked)\b/i,
    category: 'policy_reputation',
    weight: 87,
  },

  // TLS asked of the client, and SMTP AUTH for submission and relays (not SPF/DKIM: those say
  // "authenticate with SPF").
  {
    name: 'TLS required of the client',
    keys: ['tls', 'over', 'encryption', 'requires', 'require', 'required', 'must', 'starttls', 'route'],
    pattern:
      /\bover a tls connection|\btls(?:\/ssl)? (?:(?:conversation|session|connection) )?(?:is )?required\b(?! but)|\brequires? (?:a )?(?:secure|tls|encrypted) connection|\bencryption (?:is )?required|\bmust (?:issue a )?starttls|\bstarttls (?:is )?required|\bthis route requires\b/i,
    category: 'auth_required',
    weight: 92,
  },
  {
    name: 'SMTP authentication required or failed',
    keys: [
      'authentication',
      'auth',
      'not',
      'smtpauth',
      'must',
      'please',
      'username',
      'password',
      'invalid',
      'login',
      'application',
      'smtp',
      'smtpclientauthentication',
      'identity',
      'turn',
      'server',
      'incorrect',
      'client',
      'oauth',
      'access',
      'insufficient',
      'unauthenticated',
    ],
    pattern:
      /\bauthentication (?:is )?(?:required|unsuccessful|failed|failure|credentials invalid)|\bauth(?:entication)? required\b|\bnot authenticated\b|\bclient was not authenticated\b|\bwas not authenticated\b|\b(?:must|please) (?:authenticate|log ?in|first authenticate)\b|\busername and password\b|\bpassword (?:not accepted|required|incorrect|invalid)|\binvalid (?:login|credentials|password|username|user ?name or password)|\blogin (?:attempts|failed|incorrect|denied)|\bapplication-specific password|\bauthentication (?:is )?not (?:allowed|enabled|permitted)|\bsmtp ?auth(?:entication)? (?:is )?(?:disabled|required)|\bsmtpclientauthentication|\bauth (?:failed|error)|\bidentity changes?\b|\bturn on smtp authentication\b|\bserver authentication\b|\bincorrect authentication\b|\b(?:authentication|auth|login) (?:errors|failures)\b|\b(?:oauth|access|auth) token (?:expired|invalid|revoked)\b|\bnot logged in\b|\binsufficient authori[sz]ation\b|\bunauthenticated (?:commands?|clients?|connections?|sessions?)\b/i,
    category: 'auth_required',
    weight: 88,
  },
  // The receiver's own filter failed (Haraka's clamd, rspamd and spamd plugins, amavis): its
  // trouble, not a verdict on the message, so it beats the content rules that "virus" and "spam" fire.
  {
    name: "the receiver's content scanner failed",
    keys: [
      'virus',
      'spam',
      'content',
      'malware',
      'error',
      'failure',
      'rspamd',
      'spamd',
      'clamd',
      'amavis',
      'amavisd',
    ],
    pattern:
      /\b(?:virus|spam|content|malware) scan(?:ner|ning)? (?:error|errors|failed|failure|timed? ?out|timeout|unavailable|not available)\b|\b(?:error|failure) (?:connecting to|running|contacting) (?:the )?(?:virus|spam|content|malware|anti-?virus) (?:scanner|filter|engine)\b|\b(?:rspamd|spamd|clamd|amavis|amavisd) (?:scan |connect )?(?:error|failure|timed? ?out|timeout|unavailable)\b/i,
    category: 'server_busy',
    weight: 90,
  },
  {
    name: 'temporary system problem on the server',
    keys: [
      'temporary',
      'system',
      'server',
      'insufficient',
      'disk',
      'write',
      'queue',
      'resource',
      'resources',
      'mx',
      'agent',
      'agents',
      'machine',
      'machines',
      'host',
      'hosts',
      'servers',
      'systems',
      'service',
      'services',
      'high',
      'overload',
      'overloaded',
      'too',
      'temporarily',
      'internal',
      'out',
      'no',
      'cannot',
      'load',
      'technical',
      'unable',
      'healthy',
      'failed',
      'shutting',
      'error',
    ],
    pattern:
      /\btemporary (?:system|server) (?:problem|error|failure)|\b(?:system|server) (?:problem|error)\b|\binsufficient (?:system )?(?:storage|resources?|disk)|\bdisk (?:full|space)|\bwrite error\b|\bqueue file\b|\bresources? (?:are |is )?temporarily unavailable|\b(?:servers?|systems?|hosts?|mx|agents?|machines?|resources?) (?:is |are )?(?:currently |temporarily |too |very )?(?:busy|overloaded|unavailable)\b|\bservices? (?:is |are )?(?:currently |temporarily |too |very )?(?:busy|overloaded)\b|\bhigh load\b|\boverload(?:ed)?\b|\btoo busy\b|\bsystem load\b|\btemporarily interrupted|\binternal (?:server |system )?error|\bout of memory\b|\bno space left\b|\bcannot write\b|\bload average\b|\btechnical (?:problem|issue|difficult)|\bunable to process\b|\bno healthy\b|\bfailed to be replicated\b|\bshutting down\b|\berror (?:while )?processing\b/i,
    category: 'server_busy',
    weight: 84,
  },

  // RFC 5321's own 451 text, and a receiver that cannot take mail "at this time": its trouble, above
  // the "local problem" of a misconfigured receiver.
  {
    name: 'error in processing on the receiver',
    keys: ['error', 'unable'],
    pattern: /\berror in processing\b|\bunable to accept (?:\w{1,20} ){0,2}at this time\b/i,
    category: 'server_busy',
    weight: 89,
  },

  // The server's own TLS not working for now (a 4xx): its trouble, not a demand on the client.
  {
    name: 'TLS not available for now',
    keys: ['tls'],
    pattern: /\btls (?:is )?(?:currently |temporarily )?not available\b/i,
    category: 'server_busy',
    weight: 84,
    classes: [4],
  },

  // Unknown recipients: the address cannot receive mail, ever.
  // A sending provider that no longer sends to an address because it bounced as unknown before
  // (Amazon SES's suppression list): the verdict on the address stands, above "invalid address"
  // read as a malformed one.
  {
    name: 'recipient suppressed after bouncing',
    keys: ['suppressed', 'suppression', 'history'],
    pattern:
      /\bsuppressed sending to this address\b|\bon (?:the|our|a|an) (?:[a-z-]{1,20} )?suppression list\b|\bhistory of bouncing\b/i,
    category: 'recipient_unknown',
    weight: 90,
  },
  {
    name: 'recipient does not exist',
    keys: [
      'user',
      'unknown',
      'no',
      'mailbox',
      'recipient',
      'address',
      'account',
      'addressee',
      'alias',
      'invalid',
      'inactive',
      'disabled',
      'illegal',
      'nonexistent',
      'non',
      'deactivated',
      'not',
      'unrouteable',
      'doesn',
      'could',
      'misspelled',
      'due',
      'has',
      'banned',
      'hosted',
    ],
    pattern:
      /\buser unknown\b|\bunknown (?:user|recipient|mailbox|address|alias|local ?part)|\bno such (?:user|mailbox|recipient|address|account|person|local ?user)|\b(?:user|mailbox|recipient|address|account|addressee|alias)\b[^.;]{0,30}\b(?:does not|doesn't|did not|is not|not) exists?\b|\b(?:user|mailbox|recipient|address|account|addressee)\b[^.;]{0,25}\b(?:not found|(?:could ?n[o']t|can ?n[o']t|was ?n[o']t) (?:be )?found|unknown|inactive|disabled|deactivated|deleted|removed|terminated|discontinued|cancell?ed|unallocated|not valid|no longer (?:valid|active|exists?|in use)|not known|suspended|closed|expired|invalid)\b|\b(?:invalid|unknown|inactive|disabled|illegal|nonexistent|non-existent|deactivated)[ /]{1,3}(?:\w{1,30}[ /]{1,3})?(?:recipient|mailbox|user|address|alias|account)s?\b|\bnot our customer\b|\bmailbox not found\b|\bunrouteable address\b|\brecipient (?:rejected|unavailable|not found)|\baddressee unknown|\bdoesn't have an? [\w.-]{1,60} account|\bcould not be found|\bmisspelled\b|\bdue to inactivity\b|\bno mailbox here\b|\bnot a (?:known|valid) (?:user|recipient|mailbox)|\bhas been disabled\b|\binactive\b|\bno longer valid\b|\bbanned recipient\b|\bno mail-enabled subscriptions?|\bhosted tenant\b/i,
    category: 'recipient_unknown',
    weight: 85,
  },
  {
    name: 'recipient account blocked or closed',
    keys: ['recipient', 'destination', 'account', 'mailbox'],
    pattern:
      /\b(?:recipient|destination)(?:'s)? (?:account|mailbox) (?:is )?(?:blocked|disabled|suspended|locked|closed|archived)|\b(?:account|mailbox) (?:is )?(?:frozen|archived|suspended)\b/i,
    category: 'recipient_unknown',
    weight: 88,
  },
  // Exchange Online's directory-based edge blocking: the recipient is not in the directory.
  {
    name: 'Exchange Online directory-based edge blocking',
    keys: ['recipient', 'as'],
    pattern: /\brecipient address rejected: access denied|\bAS\(2018\d+\)/i,
    category: 'recipient_unknown',
    weight: 87,
  },

  // Mailbox busy (locked by another delivery or session).
  {
    name: 'mailbox busy or locked',
    keys: ['mailbox', 'mail', 'user', 'recipient', 'folder', 'lock', 'locking', 'temporary', 'file'],
    pattern:
      /\bmail ?box (?:is )?(?:temporarily )?(?:busy|locked|in use)|\bmail ?box\b.{0,20}\b(?:locked|busy)\b|\b(?:user|recipient|folder) (?:is )?busy\b|\bmailbox temporarily unavailable|\block(?:ing)? (?:failure|error)\b|\bmailbox\.lock\b|\btemporary locked\b|\b(?:file|mailbox|folder) has been locked\b/i,
    category: 'mailbox_busy',
    weight: 86,
  },
  // A 4xx "temporarily disabled": the address exists and will come back (mox's disabled domain).
  {
    name: 'recipient or domain temporarily disabled',
    keys: ['temporarily'],
    pattern: /\btemporarily (?:disabled|deactivated|suspended|blocked)\b/i,
    category: 'other_transient',
    weight: 89,
    classes: [4],
  },
  {
    name: 'recipient temporarily unavailable, no reason',
    keys: ['recipient', 'destination', 'user'],
    pattern:
      /\b(?:recipient|destination|user)(?:'s server)? (?:is |was )?temporarily (?:unavailable|not available)/i,
    category: 'other_transient',
    weight: 70,
  },

  // Split the transaction: the receiver wants fewer recipients or one domain per transaction.
  {
    name: 'split recipients into separate transactions',
    keys: ['separate', 'per', 'multiple', 'one'],
    pattern:
      /\bseparate transaction|\bper transaction|\bmultiple (?:destination )?domains|\bmultiple regions|\bone recipient at a time/i,
    category: 'other_transient',
    weight: 85,
  },
  {
    name: 'too many protocol errors (smtpd_hard_error_limit)',
    keys: ['too'],
    pattern:
      /\btoo many (?:errors|bad commands|invalid commands|protocol errors|syntax or protocol errors|unrecognized commands|nonmail commands)/i,
    category: 'other_transient',
    weight: 85,
    classes: [4, 0],
  },
  {
    name: 'receiver misconfigured or local problem',
    keys: [
      'configuration',
      'misconfigur',
      'misconfigured',
      'local',
      'upstream',
      'qqt',
      'milter',
      'temporary',
    ],
    pattern:
      /\bconfiguration (?:problem|error)|\bmisconfigur|\blocal (?:problem|error|configuration)|\bupstream error|\bqqt failure|\bmilter\b|\btemporary lookup (?:error|failure)\b/i,
    category: 'other_transient',
    weight: 88,
    classes: [4, 0],
  },

  // Rate limits and throttling, of connections, messages or recipients. Counting the sender's
  // connections is a rate limit even when the reply also says "busy" (the guide, rule 2).
  {
    name: 'too many connections or messages per connection',
    keys: ['too', 'max', 'maximum', 'thread', 'concurrent', 'messages', 'message', 'connection', 'frequency'],
    pattern:
      /\btoo many (?:\w{1,30} ){0,2}(?:connections|sessions|connects|clients)\b|\b(?:max|maximum) (?:number of )?(?:messages?|mails?) per (?:connection|session)\b|\bmessages? per connection\b|\bthread limit\b|\b(?:maximum|max) (?:number of )?concurrent\b|\bconcurrent connections?\b(?: per| limit| from|.{0,40}\bexceeded)|\bconnection (?:rate|frequency) (?:limit|limited)|\bfrequency limited\b|\btoo many (?:recipient|rcpt|delivery|connection) attempts\b/i,
    category: 'rate_limit',
    weight: 88,
  },
  {
    name: 'rate limit or throttling',
    keys: [
      'rate',
      'ratelimit',
      'ratelimited',
      'throttl',
      'throttled',
      'throttling',
      'too',
      'sent',
      'over',
      'overlimit',
      'at',
      'maximum',
      'max',
      'sending',
      'frequency',
      'exceed',
      'exceeded',
      'exceeds',
      'hourly',
      'daily',
      'peak',
      'relay',
      'message',
      'connection',
      'recipient',
      'session',
      'limit',
      'limits',
      'please',
      'messages',
      'emails',
      'mails',
      'recipients',
      'connections',
      'slow',
      'sender',
      'denial',
      'dos',
      'try',
      'per',
      'excessive',
      'has',
      'received',
    ],
    pattern:
      /\brate[ -]?limit|\bratelimit|\bthrottl|\btoo many (?:\w{1,30} ){0,2}(?:connections|sessions|messages|mails?|e-?mails|recipients|rcpts?|recent|connects|requests|deliveries|transactions|hosts)\b|\bsent (?:too|to) many\b|\btoo much (?:mail|e-?mail|traffic)\b|\bsender rate\b|\bover ?limit\b|\btoo (?:fast|quickly|frequent(?:ly)?)\b|\bat a rate that\b|\b(?:maximum|max) (?:sending|connection|message) rate|\bsending rate\b|\bfrequency limit|\bexceed(?:ed|s)? the (?:max|maximum) number|\b(?:hourly|daily|peak|sending|relay|message|connection|recipient|session) (?:\w{1,30} ){0,2}limits? (?:exceeded|reached|hit)|\blimit (?:exceeded|reached) for (?:customer|user|sender|domain|ip)|\bplease (?:try again )?slower|\blimits? (?:for|on) (?:how many|the number of)|\b(?:messages|emails|e-mails|mails|recipients|connections) (?:\w{1,30} ){0,3}per (?:hour|day|minute|second)\b|\bslow down\b|\bdenial of service\b|\bDoS\b|\btry again later, closing connection|\bper-domain connection limit|\bexcessive (?:volume|rate|traffic)\b|\bhas exceeded (?:their|its|the|permitted)? ?(?:permitted )?limits?\b|\bexceeded (?:their|its) limit\b|\breceived too much\b|\btoo many [A-Z]{4} commands\b|\bsession (?:\w{1,20} )?(?:open|opened|active) (?:for )?too long\b/i,
    category: 'rate_limit',
    weight: 83,
  },
  // AOL / Yahoo vendor codes: T = throttled, B = blocked for reputation or complaints.
  {
    name: 'AOL throttling code',
    keys: ['dyn', 'rly'],
    pattern: /\b(?:DYN|RLY):T\d\b/,
    category: 'rate_limit',
    weight: 90,
  },
  {
    name: 'Yahoo / AOL reputation codes',
    keys: ['ts', 'tss', 'gl', 'ph', 'rly', 'hvu', 'rtr', 'deferred'],
    pattern: /\[(?:TS\d+|TSS\d+|GL\d+|PH\d+)\]|\b(?:RLY|HVU|RTR):(?:B\d|BL|NW)\b|\bdeferred - 4\.16\.5\d\b/,
    category: 'policy_reputation',
    weight: 90,
  },

  // Connections that failed, timed out or were dropped, and TLS that could not be set up with the
  // destination (the guide, rule 8).
  {
    name: 'secure channel to the destination failed',
    keys: ['dane', 'tlsa', 'certificate', 'must', 'starttls', 'mta', 'tls', 'not'],
    pattern:
      /\bdane\b|\btlsa\b|\bcertificate[- ](?:host[- ]mismatch|expired)|\bmust support tls\b|\bstarttls-not-supported\b|\bmta-sts\b|\btls (?:is )?required but (?:\w{1,20} ){0,2}(?:unavailable|unsupported|failed|not supported|not available)\b|\bnot supported by (?:the )?remote (?:host|server)\b/i,
    category: 'connection',
    weight: 93,
  },
  {
    name: 'connection failed or dropped',
    keys: [
      'connection',
      'timed',
      'time',
      'timeout',
      'timedout',
      'reset',
      'closed',
      'can',
      'cannot',
      'could',
      'couldn',
      'unable',
      'wasn',
      'failed',
      'lost',
      'broken',
      'no',
      'network',
      'host',
      'try',
      'tls',
      'did',
      'requests',
    ],
    pattern:
      /\bconnection\b[^.;]{0,30}\b(?:timed? ?out|timeout|reset|closed|lost|dropped|expired|aborted|broken|failed|interrupted|refused by)\b|\b(?:timed? ?out|timeout|reset by peer|closed abruptly)\b[^.;]{0,30}\bconnection\b|\b(?:can'?t|cannot|could ?n[o']t|unable to|wasn'?t able to|failed to) (?:\w{1,30} ){0,2}(?:connect|establish|contact)\b|\blost connection\b|\bbroken pipe\b|\bno (?:valid )?route to (?:host|remote|destination)\b|\bnetwork error\b|\bnetwork (?:is )?unreachable\b|\bhost unreachable\b|\breset by peer\b|\btry reconnecting\b|\btls (?:handshake|negotiation) failed|\bdid not accept our requests? to connect\b|\bconnection refused\b/i,
    category: 'connection',
    weight: 80,
  },

  // Content: spam verdicts, viruses, attachments, malformed or non-compliant messages.
  {
    name: 'message content or links judged suspicious',
    keys: ['nature', 'content', 'links'],
    pattern: /\bnature of the content\b|\bcontent and\/or the links\b|\blinks within\b/i,
    category: 'content_rejected',
    weight: 92,
  },
  {
    name: 'From header missing, duplicated or malformed; too many attachments',
    keys: [
      'blank',
      'empty',
      'missing',
      'invalid',
      'multiple',
      'as',
      'from',
      'addresses',
      'duplicate',
      'number',
    ],
    pattern:
      /\b(?:blank|empty|missing|invalid|multiple) from:? (?:header|address)|\bas a from:? address|\bfrom:? (?:header|domain) (?:is|missing|not)\b|\baddresses in (?:the )?from:?|\bduplicate (?:header|subject|from)|\bmultiple (?:subject|from|date|message-id) headers?\b|\bduplicate headers?\b|\bnumber of attachments\b/i,
    category: 'content_rejected',
    weight: 91,
  },
  // A file extension named in a refusal is about an attachment (guide rule 24), even when the filter
  // calls its list of extensions a blacklist or writes the symbol in capitals (FORBIDDEN_FILE_EXTENSION).
  {
    name: 'file extension refused',
    keys: ['extension', 'extensions'],
    pattern: /(?:\b|_)file[ _-]extensions?\b/i,
    category: 'content_rejected',
    weight: 92,
  },
  {
    name: 'attachment, archive or file type refused',
    keys: [
      'message',
      'mail',
      'email',
      'disallowed',
      'prohibited',
      'forbidden',
      'banned',
      'unacceptable',
      'dangerous',
      'encrypted',
      'nested',
      'password',
    ],
    pattern:
      /\b(?:message|mail|email|e-mail) contains (?:an? )?(?:nested|encrypted|disallowed|unacceptable|prohibited|forbidden|banned|blocked|dangerous|executable|password[- ]protected)\b|\b(?:disallowed|prohibited|forbidden|banned|unacceptable|dangerous) (?:file|attachment|extension|content type|archive)s?\b|\b(?:encrypted|nested|password[- ]protected) (?:archive|attachment|zip)s?\b/i,
    category: 'content_rejected',
    weight: 80,
  },
  // A bounce judged backscatter (a DSN for mail the receiver never sent): the message is refused.
  {
    name: 'invalid bounce (backscatter)',
    keys: ['invalid', 'backscatter', 'bounce', 'multi'],
    pattern:
      /\binvalid bounce\b|\bbackscatter\b|\bbounce with (?:non-empty|invalid)\b|\bmulti-recipient bounce\b/i,
    category: 'content_rejected',
    weight: 90,
  },
  {
    name: 'message judged spam or malicious',
    keys: [
      'spam',
      'considered',
      'classified',
      'classification',
      'detected',
      'identified',
      'judged',
      'flagged',
      'marked',
      'recognized',
      'likely',
      'rejected',
      'refused',
      'blocked',
      'quarantined',
      'looks',
      'look',
      'appear',
      'seems',
      'seem',
      'content',
      'virus',
      'malware',
      'infected',
      'phishing',
      'probability',
      'likelihood',
      'message',
      'suspicion',
      'suspicious',
      'email',
      'mail',
      'e',
      'spamsignature',
      'suspected',
      'due',
      'probable',
      'bulk',
      'appears',
      'unsolicited',
      'ube',
    ],
    pattern:
      /\bspam (?:content|message|detected|filter|signature|score|mail|e-?mail|classification|pattern|block)|\b(?:considered|classified|detected|identified|judged|flagged|marked|recognized)(?: to be| as)? (?:as )?(?:spam|junk|bulk|unsolicited)|\blikely (?:spam|unsolicited|junk)|\b(?:rejected|refused|blocked|quarantined) as (?:spam|junk|bulk)|\b(?:looks?|appears?|seems?) (?:to be |like |as )?(?:an? )?(?:spam|junk|unsolicited|bulk)\b|\bcontent judged|\bspam ?signature|\bspam points\b|\bspam or virus|\bvirus\b|\bmalware\b|\binfected\b|\bphishing\b|\b(?:probability|likelihood) of (?:spam|junk)|\bspam (?:probability|likelihood)|\bblocked due to spam content\b|\bmessage (?:content )?(?:rejected|refused) (?:as|because|due to) (?:spam|content)|\b(?:suspicion|suspected) of spam\b|\bsuspected (?:spam|junk|phishing)\b|\bsuspicious (?:message|e-?mail|mail|content|links?|urls?|attachments?)\b|\b(?:message|e-?mail|mail) (?:is |was |looks |appears )?(?:likely |very )?suspicious\b|\bdue to spam\b|\bprobable spam\b|\bbulk (?:mail|email)\b|\bappears? (?:to be )?(?:unsolicited|similar to spam)|\bUBE\b/i,
    category: 'content_rejected',
    weight: 78,
  },
  {
    name: 'message content, headers or attachments not accepted',
    keys: [
      'attachment',
      'attachments',
      'file',
      'malformed',
      'header',
      'headers',
      'message',
      'content',
      'mail',
      'rfc',
      'bad',
      'bit',
      'binary',
      'prohibited',
      'not',
    ],
    pattern:
      /\battachments?\b|\bfile types?\b|\bmalformed\b|\bheaders?\b|\bmessage-id\b|\bcontent (?:denied|rejected|refused|filter|polic(?:y|ies)|not (?:allowed|accepted))|\bmail content\b|\brfc[ -]?5322\b(?!\)? in this)|\bbad (?:message|mime) (?:format|structure)|\bprohibited (?:content|attachment)|\bnot rfc[ -]?(?:5322|2822|822)? ?compliant\b/i,
    category: 'content_rejected',
    weight: 75,
  },
  {
    name: '8-bit or binary data not accepted',
    keys: ['bit', 'binary'],
    pattern: /\b(?:8-?bit|binary) (?:data|content) not accepted/i,
    category: 'content_rejected',
    weight: 75,
  },
  {
    name: 'spam, without more',
    keys: ['spam'],
    pattern: /\bspam\b/i,
    category: 'content_rejected',
    weight: 62,
  },

  // Permanent failures of another kind: size, loops, relaying, protocol, syntax.
  // Something the client asked for that the server does not do, above the 5.1.1 of "IP address
  // literals are not supported".
  {
    name: 'feature not supported',
    keys: ['is', 'are'],
    pattern: /\b(?:is|are) not supported\b/i,
    category: 'other_permanent',
    weight: 60,
    classes: [5],
  },
  {
    name: 'no valid recipients left in the transaction',
    keys: ['no'],
    pattern: /\bno valid recipients\b/i,
    category: 'other_permanent',
    weight: 88,
  },
  // The HELO argument itself called malformed: above the generic "malformed" of the content rules,
  // and above the recipient-domain rules ("EHLO Invalid domain address" is about the client's name).
  {
    name: 'HELO argument called malformed',
    keys: ['helo', 'ehlo'],
    pattern: /\b(?:helo|ehlo) (?:host ?name |host |name |argument )?(?:is )?(?:invalid|malformed)\b/i,
    category: 'other_permanent',
    weight: 93,
  },
  // Below the policy rules: "Access denied - Invalid HELO name" states a refusal by policy.
  {
    name: 'invalid HELO',
    keys: ['invalid'],
    pattern: /\binvalid (?:helo|ehlo)\b|\binvalid address format in (?:helo|ehlo)\b/i,
    category: 'other_permanent',
    weight: 70,
  },
  {
    name: 'address or hostname not fully qualified, or malformed',
    keys: [
      'need',
      'fully',
      'invalid',
      'single',
      'x',
      'helo',
      'sender',
      'recipient',
      'destination',
      'envelope',
      'malformed',
      'address',
    ],
    pattern:
      /\bneed fully[- ]qualified\b|\bfully[- ]qualified (?:address|hostname|domain) (?:required|needed)|\binvalid (?:ip )?address\b(?! syntax)|\bsingle label domains?\b|\bx\.400\b|\bhelo command rejected: invalid\b|\b(?:sender|recipient|destination|envelope) address (?:is )?(?:malformed|too long)\b|\bmalformed (?:sender|recipient|destination|envelope) (?:address|domain)\b|\baddress must contain a domain\b|\b(?:sender|recipient) address syntax\b/i,
    category: 'other_permanent',
    weight: 89,
  },
  {
    name: 'message or header too large',
    keys: [
      'message',
      'size',
      'sizelimit',
      'recipsizelimit',
      'too',
      'exceed',
      'exceeds',
      'exceeded',
      'maximum',
      'header',
      'line',
      'max',
    ],
    pattern:
      /\bmessage (?:size|length)\b|\bsize (?:limit|exceeds|exceeded)|\btoo (?:big|large|long)\b|\bexceeds? (?:\w{1,30} ){0,3}size|\bexceeded (?:\w{1,30} ){0,3}size|\bsizelimit\b|\brecipsizelimit\b|\bmaximum (?:message |email )?size\b|\bheader (?:value|size)\b|\bexceeds \w+'s limit\b|\bline limit exceeded\b|\bmax message size\b/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'mail loop',
    keys: ['loop', 'loops', 'looping', 'mail', 'routing', 'too', 'hop', 'exceeded', 'message', 'agent'],
    pattern:
      /\bloop(?:s|ing)? detected|\bmail loop|\brouting loop|\btoo many hops|\btoo many "?received:?"? headers|\bhop count|\bexceeded \d+ hops|\bmessage depth exceeded\b/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'relaying denied',
    keys: [
      'relay',
      'relaying',
      'unable',
      'we',
      'not',
      'list',
      'open',
      'insecure',
      'this',
      'unauthorized',
      'unauthorised',
    ],
    pattern:
      /\bunauthori[sz]ed relay\b|\brelay(?:ing)? (?:access denied|denied|disallowed|not (?:permitted|allowed)|prohibited|refused)|\bunable to relay|\bwe do not relay|\bnot (?:permitted|allowed|configured) to relay|\blist of allowed rcpthosts|\bnot a (?:local|hosted) domain|\bopen relay (?:is )?not allowed|\binsecure mail relay\b|\bthis system is not configured to relay\b/i,
    category: 'other_permanent',
    weight: 78,
  },
  {
    name: 'protocol or syntax error',
    keys: [
      'protocol',
      'bad',
      'syntax',
      'syntactically',
      'command',
      'unrecognized',
      'not',
      'invalid',
      'pipelin',
      'pipelining',
      'line',
      'improper',
      'need',
      'helo',
      'valid',
      'sender',
      'only',
      'mail',
      'used',
      'zero',
      'synchronization',
      'talk',
      'talking',
      'pregreet',
    ],
    pattern:
      /\bprotocol (?:violation|error)|\bbad sequence of commands|\bsyntax error|\bsyntactically invalid\b|\bcommand (?:not (?:recognized|implemented)|unrecognized)|\bunrecognized command|\bnot a valid (?:rfc[ -]?5321 )?address|\binvalid address syntax|\bpipelin|\bline too long|\bimproper (?:sequence|command)|\bneed (?:rcpt|mail|helo|ehlo) command\b|\bhelo or ehlo required\b|\bvalid rcpt command must precede\b|\bsender not yet given\b|\bonly (?:rset|bdat) (?:accepted|permissible)\b|\bmail transaction in progress\b|\bused when not advertised\b|\bzero size for bdat\b|\bsynchronization error\b|\btalk(?:ing)? too soon\b|\bpregreet\b/i,
    category: 'other_permanent',
    weight: 78,
  },

  // Policy and reputation, in general words.
  {
    name: 'sender reputation',
    keys: [
      'reputation',
      'suspicious',
      'forgery',
      'forged',
      'spoof',
      'spoofing',
      'spoofed',
      'spam',
      'spammer',
      'source',
      'sending',
      'sends',
      'sent',
      'user',
      'users',
      'abuse',
      'recipient',
      'recipients',
      'customer',
      'customers',
      'subscriber',
      'subscribers',
      'high',
      'complaint',
      'complaints',
      'permanently',
      'retrying',
    ],
    pattern:
      /\breputation\b|\bsuspicious (?:senders?|ips?|hosts?|domains?|activity|behaviou?r|connections?|clients?|servers?|networks?|entries)\b|\bforg(?:ery|ed)\b|\bspoof|\bspam (?:senders?|sources?|ips?|hosts?|servers?|networks?|origins?)\b|\bsource of spam\b|\b(?:sending|sends|sent) (?:of )?spam\b|\bspam (?:from|originating from) (?:your|this|the) (?:ip|host|server|network|domain)\b|\bspammer|\b(?:user|spam|abuse|recipient|customer|subscriber)s? complaints\b|\bcomplaint rate|\bhigh (?:number|rate|volume) of complaints\b|\bpermanently deferred|\bretrying will not succeed/i,
    category: 'policy_reputation',
    weight: 86,
  },
  {
    name: 'open relay sending',
    keys: ['which', 'is'],
    pattern: /\bis an open relay\b/i,
    category: 'policy_reputation',
    weight: 84,
  },
  // The receiver's own access list, in words that name no list (guide rule 4): "You are not welcome
  // here", "That sender cannot send mail here", a site that takes no bounces.
  {
    name: "refused by the receiver's own access rules",
    keys: ['not', 'is', 'are', 'cannot', 'bounce', 'bounces', 'dsn', 'dsns', 'null', 'does', 'dynamic'],
    pattern:
      /\bnot welcome\b|\b(?:is|are) not (?:accepted|allowed|permitted) (?:here|from your)\b|\bcannot send (?:mail|email|e-mail|messages?) here\b|\bnot (?:allowed|permitted) (?:here|to connect)\b|\bnot who you say\b|\b(?:bounces?|dsns?|null senders?) (?:are )?not (?:accepted|allowed|welcome)\b|\bdoes not accept (?:bounces|dsns?|bounce messages)\b|\bis dynamic\b/i,
    category: 'policy_reputation',
    weight: 81,
  },
  {
    name: 'not allowed or not authorised to send',
    keys: [
      'not',
      'you',
      'ip',
      'host',
      'network',
      'client',
      'sender',
      'allow',
      'allowlist',
      'white',
      'whitelist',
      'whitelisted',
      'safe',
      'safelist',
      'service',
      'connection',
      'dynamic',
      'dynamically',
      'residential',
      'dial',
      'dialup',
      'email',
      'address',
      'identities',
    ],
    pattern:
      /\bnot (?:allowed|authori[sz]ed|permitted) to (?:send|connect|deliver|mail)|\byou are not allowed\b|\b(?:ip|host|network|client|sender)\b[^.;]{0,20}\bnot (?:allowed|authori[sz]ed|permitted)\b|\b(?:allow|white|safe)[ -]?list|\bnot accepting (?:connections|mail)|\bservice refus|\bconnection refused\b(?=.{0,40}\b(?:ip|policy|host)\b)|\bdynamic(?:ally)?[ -](?:assigned )?ip|\bresidential ip|\bdial[ -]?up\b|\baddress is not verified\b|\bidentities failed\b/i,
    category: 'policy_reputation',
    weight: 80,
  },
  {
    name: 'refused by policy',
    keys: [
      'policy',
      'policies',
      'rejected',
      'blocked',
      'prohibited',
      'restricted',
      'denied',
      'refused',
      'reject',
      'local',
      'administrative',
      'sender',
      'access',
      'compliance',
      'network',
    ],
    pattern:
      /\bpolic(?:y|ies)\b[^.;]{0,30}\b(?:rejection|restrictions?|violation|reasons?|prohibit|error|block)|\b(?:rejected|blocked|prohibited|restricted|denied|refused|reject) (?:by|due to|per|for|under) (?:[a-z0-9.'-]{1,30} ){0,3}polic(?:y|ies)|\blocal policy\b|\badministrative prohibition\b|\bprohibited\b|\bsender (?:address )?(?:rejected|blocked|denied)|\baccess denied\b|\brejected by (?:the )?recipients?\b|\bcompliance\b|\bnetwork not allowed\b/i,
    category: 'policy_reputation',
    weight: 72,
  },
  {
    name: 'about the content',
    keys: ['content'],
    pattern: /\bcontent\b/i,
    category: 'content_rejected',
    weight: 65,
  },
  {
    name: 'blocked, without a reason',
    keys: ['blocked'],
    pattern: /\bblocked\b/i,
    category: 'policy_reputation',
    weight: 60,
  },
  // A DSN after the queue lifetime with no cause named: the sender gave up (the guide, rule 17).
  {
    name: 'message expired in the queue',
    keys: ['message', 'queue', 'mail', 'expired'],
    pattern: /\b(?:message|queue|mail) (?:has )?expired\b|\bexpired\b/i,
    category: 'other_permanent',
    weight: 57,
  },

  // A bare deferral with no reason: what greylisters send (they hide the reason on purpose), at
  // RCPT or DATA with 450/451, or as text handed to their MTA. Not 421/452/454 (closing the
  // connection, system storage, TLS/auth), and not when the code says system trouble (X.3.x).
  {
    name: 'bare deferral (greylisting-style)',
    keys: ['try', 'please', 'temporary', 'temporarily', 'deferred', 'resend'],
    pattern:
      /\btry (?:again |it )?later\b|\btry later\b|\btry again in\b|\bplease (?:try again|retry|resend)\b|\btemporar(?:y|ily) (?:denied|deferred|rejected|refused|blocked)\b|\bdeferred\b|\bresend (?:e-?mail |it |the message )?(?:shortly|later)/i,
    category: 'greylisting',
    weight: 55,
    basics: [0, 450, 451],
    unlessEnhanced: /^4\.3\./,
  },
  {
    name: 'mailbox unavailable (RFC 5321 550 text)',
    keys: ['mailbox', 'requested'],
    pattern: /\bmailbox unavailable\b|\brequested action not taken: mailbox/i,
    category: 'recipient_unknown',
    weight: 55,
    classes: [5, 0],
  },
  {
    name: 'bare busy (RFC 5321 450: mailbox busy)',
    keys: ['busy'],
    pattern: /\bbusy\b/i,
    category: 'mailbox_busy',
    weight: 58,
    basics: [450],
  },
  { name: 'bare busy', keys: ['busy'], pattern: /\bbusy\b/i, category: 'server_busy', weight: 56 },
  // A processing timeout on the receiver (not a network one: those name the connection).
  {
    name: 'processing timeout',
    keys: ['timed', 'time', 'timeout', 'timedout'],
    pattern: /\btimed? ?out\b|\btimeout\b/i,
    category: 'server_busy',
    weight: 40,
  },
  {
    name: 'service unavailable',
    keys: ['service'],
    pattern: /\bservice (?:temporarily |currently )?(?:unavailable|not available)/i,
    category: 'server_busy',
    weight: 35,
    classes: [4],
  },

  // Wordings of bounce collections and Exchange's NDR pages (dev rows of 2026-12-03, fourth round:
  // twisted1919/bounce-handler, MicrosoftDocs/OfficeDocs-Support); guide rules cited where they decide.
  {
    name: 'a mailbox named full, or its space or file limit reached',
    keys: ['mailbox', 'quota', 'space', 'error'],
    pattern:
      /\bmailbox (?:<[^<>]{1,100}> |\S{1,100} )?is full\b|\bquota exceeds?\b|\bspace not enough\b|\berror writing message: file too large\b/i,
    category: 'mailbox_full',
    weight: 91,
  },
  {
    name: 'recipient not in the directory, or taking no mail at all',
    keys: ['not', 'path', 'user', 'account', 'receiving', 'no', 'host', 'domain'],
    pattern:
      /\bnot listed in (?:the )?(?:public )?name (?:&|and) address book\b|\b(?:path|user|account) no exists?\b|\breceiving (?:is )?disabled\b|\bno longer accepts? (?:e-?)?mail\b|\b(?:host|domain)(?: [\w.-]{1,100})? does not accept (?:e-?)?mail\b/i,
    category: 'recipient_unknown',
    weight: 84,
  },
  {
    name: 'relaying refused by the administrator, or the server is not a gateway (guide rule 13)',
    keys: ['relaying', 'relay', 'not'],
    pattern:
      /\brelay(?:ing)? to (?:<[^<>]{1,100}>|\S{1,100}) (?:is )?(?:prohibited|denied|not permitted|not allowed)\b|\bnot a gateway\b/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'relaying refused for want of a login (guide rule 13)',
    keys: ['not', 'smtp', 'check'],
    pattern:
      /\bcheck (?:for new |your )?mail before sending\b|\bnot logged in(?:to)?\b|\bhave not logged\b|\bsmtp auth(?:entication)? turned on\b/i,
    category: 'auth_required',
    weight: 86,
  },
  {
    name: "the recipient's own refusal, or a sender not of the server's domain (guide rules 12, 19)",
    keys: ['refused', 'sender', 'not'],
    pattern:
      /\brefused to receive\b|\bsender (?:is|was) rejected\b|\bsender (?:e-?mail|address) is not in my domain\b/i,
    category: 'policy_reputation',
    weight: 80,
  },
  {
    name: "the envelope sender does not match the client's IP",
    keys: ['mismatches', 'mismatched', 'mismatch', 'does'],
    pattern: /\bmismatch(?:es|ed)? (?:with )?(?:the )?client ip\b|\bdoes not match (?:the )?client ip\b/i,
    category: 'policy_reputation',
    weight: 90,
  },
  {
    name: 'message structure, data, charset or body type refused',
    keys: ['mime', 'mail', 'message', 'junk', 'character'],
    pattern:
      /\bMIME\/(?:REJECT|invalid)\b|\b(?:mail|message) data (?:refused|rejected)\b|\bjunk (?:e-?)?mail\b|\bcharacter sets?\b/i,
    category: 'content_rejected',
    weight: 88,
  },
  {
    name: 'the message\'s body type refused (a content, not a TLS, "not supported by remote host")',
    keys: ['body'],
    pattern: /\bbody type not supported\b/i,
    category: 'content_rejected',
    weight: 94,
  },
  {
    name: 'a conversation timed out or broke mid-transfer',
    keys: ['conversation', 'timed', 'connection'],
    pattern:
      /\bconversation with \S{1,100} timed out\b|\btimed out while (?:sending|receiving)\b|\bconnection with \S{1,100} is broken\b/i,
    category: 'connection',
    weight: 88,
  },
  {
    name: 'a name server lookup failed or timed out',
    keys: ['host', 'name'],
    pattern: /\bhost name lookup failure\b|\bname server timeout\b/i,
    category: 'dns',
    weight: 92,
  },
  {
    name: "the receiver's own input/output failing (guide rule 26)",
    keys: ['i', 'input', 'can', 'cannot'],
    pattern: /(?<!network )\bI\/O error\b|\binput\/output error\b|\bcan ?not open new (?:e-?)?mail file\b/i,
    category: 'server_busy',
    weight: 80,
  },
  {
    name: 'undelivered for days: the sender gave up (guide rule 17)',
    keys: ['could'],
    pattern: /\bcould not be delivered for \d{1,3} (?:days?|hours?)\b/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'an invalid host name in the address (guide rule 14)',
    keys: ['invalid'],
    pattern: /\binvalid host ?name\b/i,
    category: 'other_permanent',
    weight: 78,
  },
  {
    name: 'Exchange: the submission quota (guide rule 20)',
    keys: ['submission'],
    pattern: /\bsubmission ?quota/i,
    category: 'rate_limit',
    weight: 93,
  },
  {
    name: 'Exchange: a public folder taking mail from authenticated senders only (guide rule 19)',
    keys: ['authentication'],
    pattern: /\bauthenticationrequiredfor[a-z]{1,40}/i,
    category: 'policy_reputation',
    weight: 93,
  },
  {
    name: "Exchange: mail routed to the wrong region of the tenant (the receiver's routing)",
    keys: ['wrong'],
    pattern: /\bwrong (?:\w{1,20} ){0,3}region\b/i,
    category: 'other_transient',
    weight: 85,
  },

  // Filter, provider and hosting pages (dev rows of 2026-12-03, fourth round: Baruwa, smtpf, Trend
  // Micro, Symantec, Zoho, cPanel-style limits, a Chinese server's reply list).
  {
    name: 'a sender, domain or IP banned (a block without a list, guide rule 4)',
    keys: ['is', 'banned'],
    pattern: /\bis banned\b|\bbanned (?:sender|ip|host|domain)\b/i,
    category: 'policy_reputation',
    weight: 75,
  },
  {
    name: 'a bounce sent to several recipients (guide rule 30)',
    keys: ['bounce', 'bounces'],
    pattern: /\bbounces? (?:\w{1,20} ){0,5}(?:more than one|several|multiple|too many) recipients?\b/i,
    category: 'content_rejected',
    weight: 85,
  },
  {
    name: 'characters not allowed in an address (guide rule 14)',
    keys: ['restricted', 'invalid', 'illegal'],
    pattern: /\b(?:restricted|invalid|illegal) characters? in (?:the )?(?:e-?mail )?address\b/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'the sender address refused or not verified (guide rule 12)',
    keys: ['mail', 'denies', 'sender'],
    pattern:
      /\bmail from (?:is )?invalid\b|\bdenies (?:the )?sender\b|\bsender (?:is )?(?:unvalidated|not validated)\b|\bsender verif(?:y|ication) failed\b/i,
    category: 'policy_reputation',
    weight: 85,
  },
  {
    name: "the receiver's queue, database or memory failing (guide rule 26)",
    keys: ['queue', 'database', 'out'],
    pattern: /\bqueue unavailable\b|\bdatabase (?:temporary )?error\b|\bout of memory\b/i,
    category: 'server_busy',
    weight: 80,
  },
  {
    name: 'recipients per message or session counted',
    keys: ['out', 'rcpt', 'recipient'],
    pattern: /\bout of allow(?:ed)? rcpt\b|\b(?:rcpt|recipient) (?:numbers?|count) (?:exceeded|limit)/i,
    category: 'rate_limit',
    weight: 85,
  },
  {
    name: "an authentication mode not supported (the client's login, guide rule 27)",
    keys: ['auth', 'authentication'],
    pattern: /\bauth(?:entication)? (?:mode|mechanism|method) (?:is )?(?:unsupported|not supported)\b/i,
    category: 'auth_required',
    weight: 85,
  },
  {
    name: 'a command line that cannot be parsed, or UUCP addressing (guide rule 14)',
    keys: ['parse', 'uucp'],
    pattern: /\bparse error\b|\buucp\b/i,
    category: 'other_permanent',
    weight: 75,
    classes: [5],
  },
  {
    name: 'a looping message (guide rule 14)',
    keys: ['looping'],
    pattern: /\blooping message\b/i,
    category: 'other_permanent',
    weight: 85,
  },
  {
    name: 'a sender blocked by the filter for a while or for good (Trend Micro sender filtering)',
    keys: ['block'],
    pattern: /\bblock (?:temporarily|permanently)\b/i,
    category: 'policy_reputation',
    weight: 70,
  },
  {
    name: 'Trend Micro ERS named (guide rule 4)',
    keys: ['ers', 'zombie', 'reputation'],
    pattern: /\(ERS\)|\bzombie matches\b|\bemail reputation service\b/i,
    category: 'blocklisted',
    weight: 95,
  },
  {
    name: 'access to submit refused, or unusual sending activity (a judgement of the sender)',
    keys: ['your', 'unusual'],
    pattern:
      /\byour access to (?:submit|send) (?:messages|mail)\b.{0,40}\b(?:rejected|denied)\b|\bunusual (?:sending )?activity\b/i,
    category: 'policy_reputation',
    weight: 85,
  },
  {
    name: 'unsafe content, macros or a missing subject (verdicts on the message)',
    keys: ['unsafe', 'vba', 'macros', 'macro', 'subject'],
    pattern:
      /\bunsafe content\b|\b(?:VBA )?macros? found\b|\bsubject (?:is )?(?:mandatory|required|missing)\b/i,
    category: 'content_rejected',
    weight: 90,
  },
  {
    name: 'a per-hour or per-day maximum of the sending account (guide rule 25)',
    keys: ['exceeded'],
    pattern: /\bexceeded the max(?:imum)? \w{1,20}(?: \w{1,20}){0,4} per (?:hour|day|minute)\b/i,
    category: 'rate_limit',
    weight: 88,
  },
  {
    name: 'a sender or IPs blocked from sending, or an envelope domain forbidden (guide rules 4, 12)',
    keys: ['blocked', 'ips', 'in'],
    pattern: /\bblocked from sending\b|\bIPs blocked\b|\bin (?:the )?envelope[- ]from\b/i,
    category: 'policy_reputation',
    weight: 95,
  },

  // The boundary of guide rule 6 in general words (session 7, second reader): what the message
  // carries, or a spam verdict named as the cause of the refusal, judges the message; advice that
  // follows ("set up SPF records") does not make it a verdict on the sender.
  {
    name: 'the message carries unsafe or forbidden content (a verdict on the message, guide rule 6)',
    keys: ['message', 'email', 'mail', 'e'],
    pattern:
      /\b(?:message|e-?mail|mail) (?:contain(?:s|ed)?|has|had|includes?|included) (?:an? |some )?(?:\w{1,20} ){0,2}(?:unsafe|malicious|dangerous|suspicious|harmful|inappropriate|objectionable|forbidden|prohibited|disallowed|banned) (?:content|links?|urls?|attachments?|files?|code|words?|text)\b/i,
    category: 'content_rejected',
    weight: 90,
  },
  {
    name: 'refused for a spam verdict named as the cause (guide rules 3, 6)',
    keys: ['rejected', 'refused', 'blocked'],
    pattern:
      /\b(?:rejected|refused|blocked) (?:due to|because of|for) (?:\w{1,20} ){0,2}spam (?:classification|score|content|verdict|detection|filter(?:ing)?|signatures?)\b/i,
    category: 'content_rejected',
    weight: 91,
  },
  // Mimecast names its spam-signature verdicts MCSpamSignature.* ("email rejected due to security
  // policies - MCSpamSignature.sa.2.2"): a verdict on the message, above "security policies".
  {
    name: "Mimecast's spam signature code (a verdict on the message, guide rule 6)",
    keys: ['mcspamsignature'],
    pattern: /\bmcspamsignature\b/i,
    category: 'content_rejected',
    weight: 92,
  },
  // A spam or content filter named as what refused the mail: its verdict is on the message (below
  // the sender rules, which say when the filter judged the sender instead, and the failing-scanner
  // rule, guide rule 21).
  {
    name: 'refused by a named spam or content filter (a verdict on the message, guide rule 6)',
    keys: [
      'rejected',
      'refused',
      'blocked',
      'flagged',
      'identified',
      'detected',
      'caught',
      'stopped',
      'quarantined',
      'filtered',
      'marked',
    ],
    pattern:
      /\b(?:rejected|refused|blocked|flagged|identified|detected|caught|stopped|quarantined|filtered|marked) (?:as \w{1,20} )?by (?:the |our |an? )?(?:\w{1,20} ){0,2}(?:spam ?assassin|anti-?spam|spam ?filter(?:s|ing)?|spam ?guard|content ?filter(?:s|ing)?)\b/i,
    category: 'content_rejected',
    weight: 85,
  },
  // Not "antispam": it names hosts ("antispam.example.com/denyip.php", a block of the sender).
  {
    name: 'a spam filter named in one word',
    keys: ['spamassassin', 'spamfilter', 'spamscore'],
    pattern: /\b(?:spamassassin|spamfilter|spamscore)\b/i,
    category: 'content_rejected',
    weight: 62,
  },
  // "From:" with its colon names the message's header, not the envelope (MAIL FROM); below the
  // sender-authentication rule, which a From: header not aligned with SPF or DKIM is (guide rule 7).
  {
    name: 'the From: header named (a header of the message, guide rule 6)',
    keys: ['from'],
    pattern: /(?<!mail )\bfrom: ?(?:header|domain|address|field|line)\b/i,
    category: 'content_rejected',
    weight: 89,
  },
];

/**
 * Code-only rule: Postgrey answers 450 4.2.0 (not 4.7.1: an Exchange workaround), so a 450/451
 * with 4.2.0 and no stronger text is read as greylisting.
 */
export const GREYLISTING_CODE = { basics: [450, 451], enhanced: '4.2.0', weight: 52 } as const;

/**
 * Phrases saying the sending side has given up (a DSN after the queue lifetime): not transient,
 * whatever the code class of the last attempt said.
 */
export const GAVE_UP_PATTERN =
  /\bnot going to try again\b|\b(?:message|mail|queue) (?:has )?expired\b|\bin the queue too long\b|\bgiving up\b|\bretry (?:timeout|time) exceeded\b|\bretrying will not succeed\b/i;

/**
 * A codeless reply that says how long its refusal lasts (guide, "transient": a reply without a
 * code takes its category's usual value unless the text says otherwise): "SPF Temporary Error",
 * "temporarily rejected", "retry soon", "try again later" make it transient, "permanently rejected" final.
 */
export const SAYS_TEMPORARY_PATTERN =
  /\btemp\.(?= |$)|\btemporar(?:y|ily)\b|\bretry (?:soon|later)\b|\btry (?:again )?later\b/i;
export const SAYS_PERMANENT_PATTERN = /\bpermanent(?:ly)?\b/i;
