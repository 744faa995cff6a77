export {
  DEFAULT_CREDENTIALS,
  type Sandbox,
  type SandboxOptions,
  type SandboxViewOptions,
  type SandboxWebhooks,
  startSandbox,
} from './server.js';
export type {
  AcceptedEvent,
  CallEvent,
  CallOutcome,
  FaultsEvent,
  Journal,
  JournalEvent,
  ResetEvent,
  WebhookEvent,
} from './view/journal.js';
export {
  buildTimeline,
  type Timeline,
  type TimelineEntry,
  type TimelineKind,
  type TimelineTone,
} from './view/timeline.js';
export {
  buildWebhook,
  generateSandboxWebhookKeys,
  type OutcomeScript,
  type OutcomeStep,
  outcomeByAddress,
  type SandboxWebhookKeys,
  type SandboxWebhookOptions,
  type WebhookDelivery,
} from './webhook-dispatch.js';
export type { FaultPlan, StandingFault } from './faults.js';
export type { SandboxDomain } from './domains/index.js';
export type {
  AcceptedMessage,
  Fault,
  FaultKind,
  SandboxAddress,
  SandboxAttachment,
  SandboxCredentials,
  SandboxProviderKind,
} from './types.js';
export type { BuiltWebhook, SandboxEventSpec, SandboxSuppression } from './types.js';
export {
  buildSendGridWebhook,
  generateSendGridWebhookKeys,
  type SendGridWebhookBuildOptions,
  type SendGridWebhookKeys,
} from './webhooks/sendgrid.js';
export {
  buildSesSubscriptionConfirmation,
  buildSesWebhook,
  buildSesWebhooks,
  generateSesWebhookKeys,
  type SesWebhookKeyOptions,
  type SesWebhookKeys,
} from './webhooks/ses.js';
export {
  buildMailgunWebhook,
  buildMailgunWebhooks,
  generateMailgunWebhookKeys,
  type MailgunWebhookBuildOptions,
  type MailgunWebhookKeys,
} from './webhooks/mailgun.js';
export {
  buildPostmarkWebhook,
  buildPostmarkWebhooks,
  generatePostmarkWebhookKeys,
  type PostmarkWebhookKeys,
} from './webhooks/postmark.js';
export type { SmtpDeliveryOptions } from './smtp-delivery.js';
export * from './simulation/index.js';
export { scaledClock, type SimulatedDeliveryOptions } from './simulated-delivery.js';
export { adapterOptionsFor } from './server.js';
export { type SandboxAdapterSettings, sandboxTarget } from './conformance.js';
export {
  buildResendWebhook,
  generateResendWebhookKeys,
  type ResendWebhookBuildOptions,
  type ResendWebhookKeys,
  signResendWebhook,
} from './webhooks/resend.js';
