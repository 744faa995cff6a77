export * from './failures.js';
export * from './errors.js';
export * from './time.js';
export * from './provider.js';
export * from './delivery-event.js';
export * from './message/types.js';
export type { NormalizeOptions } from './message/normalize.js';

export * from './smtp/types.js';
export { classifySmtpReply } from './smtp/classify.js';
export * from './adapter-kit.js';
export type * from './engine/types.js';
export {
  createMailer,
  type CreateMailerOptions,
  type Mailer,
  type SendManyOutcome,
} from './engine/mailer.js';
export type { MailerEventName, MailerEvents, MailerListener } from './engine/events.js';
export type { HistoryEntry, MessageStatus, RecipientState, RecipientStatus } from './engine/tracking.js';
export { backoffDelay } from './engine/backoff.js';
export type { Store } from './store/store.js';
export { memoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { type Scheduler, timerScheduler } from './store/scheduler.js';
export {
  DEFAULT_GREYLIST_POLICY,
  type DeferralEvidence,
  detectGreylistLoop,
  type GreylistPolicy,
  type LoopVerdict,
  type MxLookupAnswer,
  type MxMemoryOptions,
  type ResolvedGreylistPolicy,
  networkOf,
} from './greylisting/detector.js';
export type { WebhookEndpoint, WebhookOutcome, WebhookReport } from './webhooks/handler.js';
export {
  EVERY_STREAM,
  type ListSuppressionsOptions,
  SUPPRESSION_REASONS,
  type Suppression,
  type SuppressionInput,
  type SuppressionPage,
  type SuppressionReason,
} from './suppression/types.js';
export {
  type ImportReport,
  type Suppressions,
  type SyncOptions,
  suppressionsIn,
} from './suppression/api.js';
export type { CompactReport } from './suppression/compact.js';
export type { PushOptions, PushReport } from './suppression/push.js';
export type { SuppressionSource, SuppressionSourcePage, SuppressionTarget } from './suppression/sync.js';
export { suppressionReasonFor } from './suppression/learn.js';
export { reasonForBounce } from './suppression/reasons.js';
export type { SuppressionOptions } from './engine/mailer.js';
export type { RejectedRecipient, SuppressedRecipient } from './send-result.js';
export { memoryQueue } from './queue/memory-queue.js';
export type {
  JobOutcome,
  NewJob,
  Queue,
  QueueAddOptions,
  QueuedJob,
  QueueStats,
  WorkOptions,
} from './queue/queue.js';
export {
  type EnqueueEnd,
  type EnqueueStart,
  type EnqueueTrace,
  type EnqueueTracer,
  readTraceCarrier,
  type TraceCarrier,
  traceCarrierProblem,
} from './queue/trace-carrier.js';
export {
  DEFAULT_QUEUE_RETRY_DELAYS_MS,
  type EnqueueOptions,
  type EnqueueResult,
  type JobState,
  type WorkerOptions,
} from './engine/queue-runner.js';
export type { QueuedStatus, QueueState, SentStatus, Status } from './engine/queue-status.js';
