/**
 * Text rules, as data. Each rule names a phenomenon (how greylisters, rate limiters, blocklists,
 * mailbox stores… word their replies), the category it means, and a weight. The classifier takes
 * the heaviest match among these rules and the code tables; ties go to the earlier rule.
 *
 * Weights, highest first (the code tables sit at 50 and below, see classify.ts):
 *   100  the reply is about someone else's reply (a callout) or a verification in progress
 *    98  the reply says greylisting
 *  90–96 specific vendor wording or a named cause (PTR, Spamhaus, quota, SPF/DKIM/DMARC)
 *  80–88 a clear phenomenon in plain words (user unknown, too many connections, server busy)
 *  70–78 broader wording (spam content, size, relaying, policy restrictions)
 *  55–62 weak cues that still beat a code (a bare "try again later" from 450/451, "blocked")
 *  35–40 hints that only beat catch-all codes
 */
import type { SmtpReplyCategory } from './types.js';

export interface TextRule {
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
  /** Only when the enhanced code matches this. */
  readonly onlyEnhanced?: RegExp;
}

export const TEXT_RULES: readonly TextRule[] = [
  // The receiver's own check of *our* sender address was deferred (Exim callouts quote the
  // probed server's reply, which may itself say "greylisted"): not a greylisting of this delivery.
  {
    name: 'sender verification callout deferred',
    pattern:
      /\bcallout\b|response to "?(?:RCPT TO|MAIL FROM)\b|could not complete (?:sender|recipient) verify/i,
    category: 'other_transient',
    weight: 100,
  },
  {
    name: 'address verification in progress (Postfix reject_unverified_*)',
    pattern: /address verification in progress|unverified address/i,
    category: 'other_transient',
    weight: 100,
  },

  // Greylisting, named as such (postgrey, sqlgrey, milter-greylist, Exim, Haraka, Stalwart, rspamd…).
  {
    name: 'greylisting named',
    pattern: /\bgr[ae]y[\s-]?list|\bpostgrey\b|\bsqlgrey\b|\bgreylisting\b/i,
    category: 'greylisting',
    weight: 98,
  },
  {
    name: 'greylister asks to come back later',
    pattern: /\bcome back (?:later|in\b)|\bplease come back\b/i,
    category: 'greylisting',
    weight: 90,
  },
  {
    name: 'sender not yet authorised (greylistd and similar)',
    pattern: /\bnot yet (?:authori[sz]ed|allowed|permitted|accepted|whitelisted)\b/i,
    category: 'greylisting',
    weight: 92,
  },
  // Mimecast documents this text as its greylisting deferral.
  {
    name: 'Mimecast greylisting',
    pattern: /internal resources? (?:is |are )?temporarily unavailable/i,
    category: 'greylisting',
    weight: 90,
  },
  // postscreen's deep protocol tests: the client must reconnect from the same IP later.
  {
    name: 'Postfix postscreen deep-protocol deferral',
    pattern: /^service currently unavailable\b/i,
    category: 'greylisting',
    weight: 90,
    basics: [450],
  },

  // DNS: reverse DNS, unresolvable domains, failed lookups.
  {
    name: 'reverse DNS / PTR missing',
    pattern:
      /\bPTR\b|\breverse (?:dns|lookup|look|name|mapping|hostname|resolution)|\brdns\b|cannot find your (?:host ?name|reverse)|(?:hostname|helo)[^.]{0,30}(?:does not|doesn't|did not|cannot be) resolve/i,
    category: 'dns',
    weight: 95,
  },
  {
    name: 'temporary DNS failure',
    pattern:
      /\b(?:temporary )?dns (?:query |lookup |resolution )?(?:failures?|failed|errors?|problems?|timeout|temporary)|\bdns query failed|name ?server (?:failure|timeout)|\bservfail\b/i,
    category: 'dns',
    weight: 95,
  },
  {
    name: 'DNS lookup failed',
    pattern:
      /\b(?:unable to|cannot|could ?n[o']t|failed to) (?:look ?up|resolve)\b|\blookup dns\b|\bdns lookup\b/i,
    category: 'dns',
    weight: 88,
  },
  {
    name: 'sender domain does not resolve',
    pattern:
      /sender (?:address|domain)\b[^;]{0,60}?(?:domain not found|not found|does not exist|unresolvable|not resolve)|unresolvable (?:rfc[.\s]?5321 )?(?:from )?domain|valid sender domain|sender domain (?:must|does not) (?:exist|resolve)/i,
    category: 'dns',
    weight: 95,
  },
  {
    name: 'recipient domain does not exist (permanent)',
    pattern:
      /\b(?:domain|host) not found\b|no such domain|domain does not exist|unrouteable (?:mail )?domain/i,
    category: 'recipient_unknown',
    weight: 92,
    classes: [5],
  },
  {
    name: 'domain lookup failing (temporary)',
    pattern:
      /\b(?:domain|host) not found\b|no such domain|unknown host|\bnxdomain\b|\bmx (?:record|lookup|resource)|a\/aaaa|no (?:mx|a) record|invalid dns|dns (?:mx|ptr|a)\b/i,
    category: 'dns',
    weight: 90,
  },
  {
    name: 'sender address could not be verified',
    pattern: /unable to verify (?:the )?(?:sender )?address|sender address (?:could not|cannot) be verified/i,
    category: 'dns',
    weight: 70,
  },

  // Blocklists, by name or by what they are.
  {
    name: 'DNS blocklist named',
    pattern:
      /\bspamhaus\b|\bspamcop\b|\bsorbs\b|\buceprotect\b|\bcloudmark\b|\bbarracuda ?(?:central|reputation|rbl)|\bmailspike\b|\bpsbl\b|\binvaluement\b|\bsenderscore\b|\b(?:SBL|XBL|PBL|DBL|CBL)\b|\b(?:dns|rbl|uri|ip)bls?\b|rbl\b/i,
    category: 'blocklisted',
    weight: 90,
  },
  {
    name: 'listed on a block list',
    pattern:
      /\bblock[\s-]?list(?:ed)?\b|\bblack[\s-]?list(?:ed)?\b|\bdeny[\s-]?list(?:ed)?\b|\b(?:is|are|was|being) listed (?:in|on|at|by)\b|\blisted (?:in|on|at|by) (?:one|the|a|an|our|several|multiple|\d)|\bbanned sending ip|\bblocked using [\w.-]+|\bip (?:address )?(?:is )?banned/i,
    category: 'blocklisted',
    weight: 90,
  },
  // milter-greylist's blacklist ACL answers with this default text.
  { name: 'milter-greylist blacklist default', pattern: /^go away\b/i, category: 'blocklisted', weight: 70 },

  // Mailbox full: quota on the recipient's side (a *sending* quota is rate limiting).
  {
    name: 'sending quota',
    pattern:
      /\b(?:sending|daily|hourly|message|outbound|relay|send|rate) quota\b|quota (?:for|of) (?:sending|messages|emails)/i,
    category: 'rate_limit',
    weight: 93,
  },
  {
    name: 'mailbox over quota',
    pattern:
      /\bover ?quota\b|\bquota (?:exceeded|violation|full|reached)|exceeded? (?:\w+ ){0,3}quota|\b(?:mail ?box|inbox|mail ?folder|account|user)(?: is| has)? (?:full|filled)\b|\bmailbox (?:size|storage) (?:limit )?(?:exceeded|full)|mailbox size limit|out of (?:storage|space)|\bstorage allocation|\bquota\b.{0,20}\bexceeded|insufficient (?:mailbox|quota)|boite (?:\w+ ){0,3}pleine|\bpostfach (?:voll|ist voll)/i,
    category: 'mailbox_full',
    weight: 90,
  },

  // SPF / DKIM / DMARC and other sender authentication policy.
  {
    name: 'sender authentication (SPF, DKIM, DMARC, ARC) failed',
    pattern:
      /\bSPF\b|\bDKIM\b|\bDMARC\b|\bARC (?:validation|check)|\bunauthenticated\b|\bnot aligned\b|\balignment\b|sender (?:is )?not authenticated|authenticate with either/i,
    category: 'policy_reputation',
    weight: 90,
  },
  {
    name: 'sending IP blocked for its behaviour',
    pattern:
      /\b(?:ip|address|host|sender|client|domain|network)(?: address)? (?:has been|was|is) (?:temporarily |permanently )?blocked\b|blocked for the day|unusual rate of unsolicited|unsolicited mail originating|originating from your ip/i,
    category: 'policy_reputation',
    weight: 95,
  },

  // SMTP AUTH for submission and relays (not SPF/DKIM: those say "authenticate with SPF").
  {
    name: 'SMTP authentication required or failed',
    pattern:
      /\bauthentication (?:is )?(?:required|unsuccessful|failed|failure|credentials invalid)|\bauth(?:entication)? required\b|\bnot authenticated\b|\b(?:must|please) (?:authenticate|log ?in|first authenticate)\b|\busername and password\b|\bpassword (?:not accepted|required|incorrect|invalid)|\binvalid (?:login|credentials|password|username|user ?name or password)|\blogin (?:attempts|failed|incorrect|denied)|application-specific password|must issue a starttls|starttls (?:is )?required|authentication (?:is )?not (?:allowed|enabled|permitted)|smtp ?auth(?:entication)? (?:is )?(?:disabled|required)|smtpclientauthentication|invalid credentials|\bauth (?:failed|error)/i,
    category: 'auth_required',
    weight: 88,
  },
  {
    name: 'temporary system problem on the server',
    pattern:
      /\btemporary (?:system|server) (?:problem|error|failure)|\b(?:system|server) (?:problem|error)\b|\binsufficient (?:system )?(?:storage|resources|disk)|\bdisk (?:full|space)|\bwrite error\b|\bqueue file\b|\bresources? (?:are |is )?temporarily unavailable|\b(?:server|system|host|mx|agent|machine|resources?)s? (?:is |are )?(?:currently |temporarily |too |very )?(?:busy|overloaded|unavailable)\b|\bservices? (?:is |are )?(?:currently |temporarily |too |very )?(?:busy|overloaded)\b|\bhigh load\b|\boverload(?:ed)?\b|\btoo busy\b|\bsystem load\b|temporarily interrupted|\binternal (?:server |system )?error|\bout of memory\b|\bno space left\b|\bcannot write\b|\bload average\b/i,
    category: 'server_busy',
    weight: 84,
  },

  // Unknown recipients: the address cannot receive mail, ever.
  {
    name: 'recipient does not exist',
    pattern:
      /\buser unknown\b|\bunknown (?:user|recipient|mailbox|address|alias|local ?part)|\bno such (?:user|mailbox|recipient|address|account|person|local ?user)|\b(?:user|mailbox|recipient|address|account|addressee|alias)\b[^.;]{0,30}\b(?:does not|doesn't|did not) exist|\b(?:user|mailbox|recipient|address|account|addressee)\b[^.;]{0,25}\b(?:not found|unknown|inactive|disabled|deactivated|unallocated|not valid|no longer (?:valid|active|exists?)|not known|suspended|closed|expired|invalid)\b|\b(?:invalid|unknown|inactive|disabled|illegal|nonexistent|non-existent|deactivated)[\s/]+(?:\w+[\s/]+)?(?:recipient|mailbox|user|address|alias|account)s?\b|\bnot our customer\b|\bmailbox not found\b|\bunrouteable address\b|\brecipient (?:rejected|unavailable|not found)|\baddressee unknown|doesn't have an? [\w.-]+ account|could not be found|\bmisspelled\b|\bdue to inactivity\b|\bno mailbox here\b|\bnot a (?:known|valid) (?:user|recipient|mailbox)|\bhas been disabled\b|\binactive\b/i,
    category: 'recipient_unknown',
    weight: 85,
  },
  // Exchange Online's directory-based edge blocking: the recipient is not in the directory.
  {
    name: 'Exchange Online directory-based edge blocking',
    pattern: /recipient address rejected: access denied|\bAS\(2018\d+\)/i,
    category: 'recipient_unknown',
    weight: 87,
  },

  // Mailbox busy (locked by another delivery or session).
  {
    name: 'mailbox busy or locked',
    pattern:
      /\bmail ?box (?:is )?(?:temporarily )?(?:busy|locked|in use)|\bmail ?box\b.{0,20}\b(?:locked|busy)\b|\b(?:user|recipient|folder) (?:is )?busy\b|\bmailbox temporarily unavailable/i,
    category: 'mailbox_busy',
    weight: 86,
  },

  // Split the transaction: the receiver wants fewer recipients or one domain per transaction.
  {
    name: 'split recipients into separate transactions',
    pattern:
      /separate transaction|per transaction|multiple (?:destination )?domains|multiple regions|one recipient at a time/i,
    category: 'other_transient',
    weight: 85,
  },
  {
    name: 'too many protocol errors (smtpd_hard_error_limit)',
    pattern: /too many (?:errors|bad commands|invalid commands|protocol errors)/i,
    category: 'other_transient',
    weight: 85,
  },
  {
    name: 'receiver misconfigured or local problem',
    pattern:
      /\bconfiguration (?:problem|error)|\bmisconfigur|\blocal (?:problem|error|configuration)|\bupstream error|\bqqt failure|\bmilter\b/i,
    category: 'other_transient',
    weight: 82,
    classes: [4, 0],
  },

  // Rate limits and throttling, of connections, messages or recipients.
  {
    name: 'rate limit or throttling',
    pattern:
      /\brate[\s-]?limit|\bratelimit|\bthrottl|\btoo many (?:\w+ ){0,2}(?:connections|sessions|messages|mails?|e-?mails|recipients|rcpts?|recent|connects|requests|deliveries|transactions|hosts)\b|\bsent (?:too|to) many\b|\btoo much (?:mail|e-?mail|traffic)\b|\bsender rate\b|\bover ?limit\b|\btoo (?:fast|quickly|frequent(?:ly)?)\b|\bat a rate that\b|\b(?:maximum|max) (?:sending|connection|message) rate|\bsending rate\b|\bfrequency limit|\bexceed(?:ed|s)? the (?:max|maximum) number|\b(?:max|maximum) (?:number of )?(?:connections|concurrent)|\b(?:hourly|daily|peak|sending|relay|message|connection|recipient|session) (?:\w+ ){0,2}limits? (?:exceeded|reached|hit)|\blimit (?:exceeded|reached) for (?:customer|user|sender|domain|ip)|\bplease (?:try again )?slower|\blimits? (?:for|on) (?:how many|the number of)|\b(?:messages|e-?mails|mails|recipients|connections) (?:\w+ ){0,3}per (?:hour|day|minute|second)\b|\bslow down\b|\bdenial of service\b|\bDoS\b|try again later, closing connection|per-domain connection limit/i,
    category: 'rate_limit',
    weight: 83,
  },
  // AOL / Yahoo vendor codes: T = throttled, B = blocked for reputation or complaints.
  { name: 'AOL throttling code', pattern: /\b(?:DYN|RLY):T\d\b/, category: 'rate_limit', weight: 90 },
  {
    name: 'Yahoo / AOL reputation codes',
    pattern: /\[(?:TS\d+|TSS\d+|GL\d+|PH\d+)\]|\b(?:RLY|HVU|RTR):(?:B\d|BL|NW)\b/,
    category: 'policy_reputation',
    weight: 90,
  },

  // Connections that failed, timed out or were dropped.
  {
    name: 'connection failed or dropped',
    pattern:
      /\bconnection\b[^.;]{0,30}\b(?:timed? ?out|timeout|reset|closed|lost|dropped|expired|aborted|broken|failed|interrupted|refused by)\b|\b(?:timed? ?out|timeout|reset by peer|closed abruptly)\b[^.;]{0,30}\bconnection\b|\b(?:can'?t|cannot|could ?n[o']t|unable to|wasn'?t able to|failed to) (?:\w+ ){0,2}(?:connect|establish)|\blost connection\b|\bbroken pipe\b|\bno route to host\b|\bnetwork (?:is )?unreachable\b|\bhost unreachable\b|\breset by peer\b|\btry reconnecting\b|\btls (?:handshake|negotiation) failed/i,
    category: 'connection',
    weight: 80,
  },

  // Content: spam verdicts, viruses, attachments, malformed or non-compliant messages.
  {
    name: 'message judged spam or malicious',
    pattern:
      /\bspam (?:content|message|detected|filter|signature|score|mail|e-?mail)|(?:considered|classified|detected|identified|judged|flagged|marked|recognized)(?: to be| as)? (?:as )?(?:spam|junk|bulk|unsolicited)|\blikely (?:spam|unsolicited|junk)|\b(?:rejected|refused|blocked|quarantined) as (?:spam|junk|bulk)|\blooks like spam\b|\bcontent judged|spam ?signature|\bspam points\b|\bspam or virus|\bvirus\b|\bmalware\b|\binfected\b|\bphishing\b|\b(?:probability|likelihood) of (?:spam|junk)|\bspam (?:probability|likelihood)|\bspam detected\b|\bblocked due to spam content\b|\bmessage (?:content )?(?:rejected|refused) (?:as|because|due to) (?:spam|content)/i,
    category: 'content_rejected',
    weight: 78,
  },
  {
    name: 'message content, headers or attachments not accepted',
    pattern:
      /\battachments?\b|\bfile types?\b|\bmalformed\b|\bheaders?\b|\bmessage-id\b|\bcontent (?:denied|rejected|refused|filter|polic(?:y|ies)|not (?:allowed|accepted))|\bmail content\b|\brfc[\s-]?5322\b(?!\)? in this)|\bbad (?:message|mime) (?:format|structure)|\b(?:8-?bit|binary) (?:data|content) not accepted|\bprohibited (?:content|attachment)/i,
    category: 'content_rejected',
    weight: 75,
  },

  // Permanent failures of another kind: size, loops, relaying, protocol, syntax.
  {
    name: 'no valid recipients left in the transaction',
    pattern: /\bno valid recipients\b/i,
    category: 'other_permanent',
    weight: 88,
  },
  {
    name: 'message too large',
    pattern:
      /\bmessage (?:size|length)\b|\bsize (?:limit|exceeds|exceeded)|\btoo (?:big|large)\b|\bexceeds? (?:\w+ ){0,3}size|\bexceeded (?:\w+ ){0,3}size|\bsizelimit\b|\brecipsizelimit\b|\bmaximum (?:message )?size\b/i,
    category: 'other_permanent',
    weight: 76,
  },
  {
    name: 'mail loop',
    pattern:
      /\bloop(?:s|ing)? detected|\bmail loop|\brouting loop|\btoo many hops|\bhop count|\bexceeded \d+ hops/i,
    category: 'other_permanent',
    weight: 80,
  },
  {
    name: 'relaying denied',
    pattern:
      /\brelay(?:ing)? (?:access denied|denied|disallowed|not (?:permitted|allowed)|prohibited|refused)|\bunable to relay|\bwe do not relay|\bnot (?:permitted|allowed) to relay|\blist of allowed rcpthosts|\bnot a (?:local|hosted) domain/i,
    category: 'other_permanent',
    weight: 76,
  },
  {
    name: 'protocol or syntax error',
    pattern:
      /\bprotocol (?:violation|error)|\bbad sequence of commands|\bsyntax error|\bcommand (?:not (?:recognized|implemented)|unrecognized)|\bunrecognized command|\bnot a valid (?:rfc[\s-]?5321 )?address|\binvalid address syntax|\bpipelin|\bline too long/i,
    category: 'other_permanent',
    weight: 76,
  },

  // Policy and reputation, in general words.
  {
    name: 'sender reputation',
    pattern:
      /\breputation\b|\bsuspicious\b|\bforg(?:ery|ed)\b|\bspoof|\bspam (?:sender|source)|\bspammer|\bsuspected spam|\buser complaints|\bcomplaint rate|\bpermanently deferred|\bretrying will not succeed/i,
    category: 'policy_reputation',
    weight: 86,
  },
  {
    name: 'not allowed or not authorised to send',
    pattern:
      /\bnot (?:allowed|authori[sz]ed|permitted) to (?:send|connect|deliver|relay|mail)|\byou are not allowed\b|\b(?:ip|host|network|client|sender)\b[^.;]{0,20}\bnot (?:allowed|authori[sz]ed|permitted)\b|\b(?:allow|white|safe)[\s-]?list|\bnot accepting (?:connections|mail)|\bservice refus|\bconnection refused\b(?=.{0,40}\b(?:ip|policy|host)\b)|\bdynamic(?:ally)?[\s-](?:assigned )?ip|\bresidential ip|\bdial[\s-]?up\b|\btls required|\bencryption required|\brequire(?:s|d)? (?:a )?(?:secure|tls|encrypted) connection/i,
    category: 'policy_reputation',
    weight: 80,
  },
  {
    name: 'refused by policy',
    pattern:
      /\bpolic(?:y|ies)\b[^.;]{0,30}\b(?:rejection|restrictions?|violation|reasons?|prohibit|error|block)|\b(?:rejected|blocked|prohibited|restricted|denied|refused|reject)\b[^.;]{0,15}\b(?:by|due to|per|for|under)\b[^.;]{0,25}\bpolic(?:y|ies)|\blocal policy\b|\badministrative prohibition\b|\bprohibited\b|\bsender (?:address )?(?:rejected|blocked|denied)|\baccess denied\b|\brejected by (?:the )?recipients?\b|\bcompliance\b|\bnetwork not allowed\b/i,
    category: 'policy_reputation',
    weight: 72,
  },
  { name: 'about the content', pattern: /\bcontent\b/i, category: 'content_rejected', weight: 65 },
  { name: 'blocked, without a reason', pattern: /\bblocked\b/i, category: 'policy_reputation', weight: 60 },

  // A bare deferral with no reason: what greylisters send (they hide the reason on purpose), at
  // RCPT or DATA with 450/451, or as text handed to their MTA. Not 421/452/454 (closing the
  // connection, system storage, TLS/auth), and not when the code says system trouble (X.3.x).
  {
    name: 'bare deferral (greylisting-style)',
    pattern:
      /\btry (?:again |it )?later\b|\btry later\b|\btry again in\b|\bplease (?:try again|retry|resend)\b|\btemporar(?:y|ily) (?:failure|error|denied|deferred|rejected|refused|blocked)\b|\bdeferred\b|\bresend (?:e-?mail |it |the message )?(?:shortly|later)/i,
    category: 'greylisting',
    weight: 55,
    basics: [0, 450, 451],
    unlessEnhanced: /^4\.3\./,
  },
  // Postgrey answers 450 4.2.0 (not 4.7.1: an Exchange workaround); other 4.2.0 uses are rare.
  {
    name: '450/451 with 4.2.0',
    pattern: /(?:)/,
    category: 'greylisting',
    weight: 52,
    basics: [450, 451],
    onlyEnhanced: /^4\.2\.0$/,
  },
  {
    name: 'mailbox unavailable (RFC 5321 550 text)',
    pattern: /\bmailbox unavailable\b|\brequested action not taken: mailbox/i,
    category: 'recipient_unknown',
    weight: 55,
    classes: [5, 0],
  },
  {
    name: 'bare busy (RFC 5321 450: mailbox busy)',
    pattern: /\bbusy\b/i,
    category: 'mailbox_busy',
    weight: 58,
    basics: [450],
  },
  { name: 'bare busy', pattern: /\bbusy\b/i, category: 'server_busy', weight: 56 },
  // A processing timeout on the receiver (not a network one: those name the connection).
  {
    name: 'processing timeout',
    pattern: /\btimed? ?out\b|\btimeout\b/i,
    category: 'server_busy',
    weight: 40,
  },
  {
    name: 'service unavailable',
    pattern: /\bservice (?:temporarily |currently )?(?:unavailable|not available)/i,
    category: 'server_busy',
    weight: 35,
    classes: [4],
  },
];

/**
 * Phrases saying the sending side has given up (a DSN after the queue lifetime): not transient,
 * whatever the code class of the last attempt said.
 */
export const GAVE_UP_PATTERNS: readonly RegExp[] = [
  /\bnot going to try again\b/i,
  /\b(?:message|mail) (?:has )?expired\b/i,
  /\bin the queue too long\b/i,
  /\bgiving up\b/i,
  /\bretry (?:timeout|time) exceeded\b/i,
  /\bretrying will not succeed\b/i,
];
