/**
 * Every span, metric and attribute name this package emits, in one place. Email has no OpenTelemetry
 * semantic conventions yet: names follow the general ones (dotted, lower case, units in UCUM, time in
 * seconds) under the `mailover.` namespace, and reuse the standard keys where one exists
 * (`error.type`, `http.response.status_code`). The reference is docs/observability.md.
 */

/** The instrumentation scope name tracers and meters are created with. */
export const INSTRUMENTATION_SCOPE = '@mailover/otel';

export const SPAN = {
  /** One message, from the start of `send()` (or a greylisting re-send) to acceptance or failure. */
  send: 'mailover.send',
  /** One call to one provider; a child of `mailover.send`. */
  providerCall: 'mailover.provider.call',
  /** One webhook request: verification and storage. */
  webhook: 'mailover.webhook',
  /** A greylisting loop was detected; the fixed-IP re-send is its child. */
  greylistLoop: 'mailover.greylist.loop',
  /** `enqueue()` storing a job (PRODUCER); the worker's `mailover.send` links to it. */
  enqueue: 'mailover.enqueue',
} as const;

export const SPAN_EVENT = {
  skip: 'mailover.skip',
  retry: 'mailover.retry',
  failover: 'mailover.failover',
  rateLimitWait: 'mailover.rate_limit.wait',
  circuitOpen: 'mailover.circuit.open',
  circuitClose: 'mailover.circuit.close',
  domainLearned: 'mailover.greylist.domain_learned',
} as const;

export const METRIC = {
  sends: 'mailover.sends',
  sendDuration: 'mailover.send.duration',
  sendAttempts: 'mailover.send.attempts',
  providerCalls: 'mailover.provider.calls',
  providerCallDuration: 'mailover.provider.call.duration',
  skips: 'mailover.provider.skips',
  retries: 'mailover.retries',
  failovers: 'mailover.failovers',
  circuitOpen: 'mailover.circuit.open',
  circuitOpens: 'mailover.circuit.opens',
  rateLimitWait: 'mailover.rate_limit.wait.duration',
  webhookRequests: 'mailover.webhook.requests',
  webhookEvents: 'mailover.webhook.events',
  deferrals: 'mailover.deferrals',
  deliveryDelay: 'mailover.delivery.delay',
  greylistLoops: 'mailover.greylist.loops',
  greylistFailovers: 'mailover.greylist.failovers',
  greylistDomainsLearned: 'mailover.greylist.domains_learned',
  greylistDomainRoutes: 'mailover.greylist.domain_routes',
  queueDepth: 'mailover.queue.depth',
  queueAge: 'mailover.queue.age',
  queueWait: 'mailover.queue.wait',
} as const;

export const ATTRIBUTE = {
  id: 'mailover.id',
  messageId: 'mailover.message_id',
  strategy: 'mailover.strategy',
  providers: 'mailover.providers',
  providerId: 'mailover.provider.id',
  providerKind: 'mailover.provider.kind',
  providerIp: 'mailover.provider.ip',
  providerCode: 'mailover.provider.code',
  providerMessageId: 'mailover.provider.message_id',
  attempt: 'mailover.attempt',
  attempts: 'mailover.attempts',
  code: 'mailover.code',
  outcome: 'mailover.outcome',
  possibleDuplicate: 'mailover.possible_duplicate',
  recipientDomains: 'mailover.recipient.domains',
  recipientDomain: 'mailover.recipient.domain',
  recipientCount: 'mailover.recipient.count',
  recipientAddresses: 'mailover.recipient.addresses',
  recipientAddress: 'mailover.recipient.address',
  routeDomain: 'mailover.route.domain',
  routeRule: 'mailover.route.rule',
  routeMxHost: 'mailover.route.mx_host',
  mxHosts: 'mailover.greylist.mx_hosts',
  retryAfter: 'mailover.retry_after',
  retryDelay: 'mailover.retry.delay',
  retryReason: 'mailover.retry.reason',
  skipReason: 'mailover.skip.reason',
  skipDetail: 'mailover.skip.detail',
  failoverFrom: 'mailover.failover.from',
  failoverTo: 'mailover.failover.to',
  rateLimitWait: 'mailover.rate_limit.wait',
  circuitOpenFor: 'mailover.circuit.open_for',
  verification: 'mailover.webhook.verification',
  webhookStored: 'mailover.webhook.stored',
  webhookDuplicates: 'mailover.webhook.duplicates',
  eventType: 'mailover.event.type',
  smtpCategory: 'mailover.smtp.category',
  greylistRule: 'mailover.greylist.rule',
  greylistDeferrals: 'mailover.greylist.deferrals',
  greylistDetail: 'mailover.greylist.detail',
  greylistRememberFor: 'mailover.greylist.remember_for',
  queueName: 'mailover.queue.name',
  queueState: 'mailover.queue.state',
  queuePriority: 'mailover.queue.priority',
  queueDelay: 'mailover.queue.delay',
  queueDuplicate: 'mailover.queue.duplicate',
  queueWait: 'mailover.queue.wait',
  queueAttempt: 'mailover.queue.attempt',
  linkType: 'mailover.link.type',
  errorType: 'error.type',
  httpStatus: 'http.response.status_code',
} as const;
