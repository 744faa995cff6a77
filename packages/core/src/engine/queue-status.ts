import type { HistoryEntry, MessageStatus, RecipientStatus } from './tracking.js';

/** Where a queued message stands before (or instead of) being accepted by a provider. */
export type QueueState = 'queued' | 'scheduled' | 'sending' | 'dead' | 'cancelled';

/** A message accepted by a provider: its delivery states and history. */
export type SentStatus = MessageStatus & { readonly state: 'sent' };

/** A queued message that no provider has accepted (yet). */
export interface QueuedStatus {
  readonly id: string;
  readonly messageId: string;
  /**
   * `queued` (due now), `scheduled` (waiting for `sendAt` or its next retry), `sending` (a worker
   * has it), `dead` (given up: see `reason`), `cancelled` (by `mailer.cancel`).
   */
  readonly state: QueueState;
  /** Sends tried so far. */
  readonly attempts: number;
  readonly priority: number;
  /** When it is due next (queued, scheduled), ms since the epoch. */
  readonly runAt?: number;
  /** Why it is dead, or why the last attempt failed. */
  readonly reason?: string;
  readonly updatedAt: number;
  /** Empty: no provider has accepted it, so no recipient has a delivery state yet. */
  readonly recipients: Readonly<Record<string, RecipientStatus>>;
  /** Empty, as `recipients`. */
  readonly history: readonly HistoryEntry[];
}

/** What `mailer.status(id)` returns. */
export type Status = SentStatus | QueuedStatus;
