/**
 * `@mailover/core/provider`: everything an adapter (this repository's or your own) is built from,
 * apart from the user API in `@mailover/core`. The contract, the failure taxonomy, delivery events,
 * the message it receives, and the shared helpers. How an adapter is laid out: docs/adapters.md.
 */
export * from '../provider.js';
export * from '../failures.js';
export * from '../delivery-event.js';
export * from '../message/types.js';
export * from '../smtp/types.js';
export { classifySmtpReply } from '../smtp/classify.js';
export * from '../adapter-kit.js';
export * from './defaults.js';
export * from './abort.js';
export * from './base.js';
export * from './classify.js';
export * from './timeout.js';
export * from './unexpected-response.js';
export * from './webhook-kit.js';
export { lookupTable } from '../lookup-table.js';
// The sync contract of a provider's own suppression list (docs/suppression.md).
export { reasonForBounce } from '../suppression/reasons.js';
export {
  type SuppressionSource,
  type SuppressionSourcePage,
  type SuppressionTarget,
  syncedEntry,
} from '../suppression/sync.js';
export {
  EVERY_STREAM,
  SUPPRESSION_REASONS,
  type Suppression,
  type SuppressionInput,
  type SuppressionReason,
} from '../suppression/types.js';
