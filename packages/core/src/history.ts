/** The lines of a message's history, written by the engine and by greylisting. */
import type { DeliveryEventType } from './delivery-event.js';

/** One line of a message's history: a delivery event, or a decision the engine took. */
export interface HistoryEntry {
  readonly time: number;
  /** A delivery event type, or an engine decision (`greylist-loop`, `failover-sent`, …). */
  readonly type:
    | DeliveryEventType
    | 'greylist-loop'
    | 'failover-sent'
    | 'failover-failed'
    | 'failover-skipped'
    | 'routed';
  readonly provider: string;
  readonly recipient?: string;
  /** SMTP reply text and its category, for deferrals and bounces. */
  readonly smtp?: { readonly text: string; readonly category?: string; readonly enhanced?: string };
  readonly attempt?: number;
  readonly sendingIp?: string;
  /** Free text: why the engine decided what it did. */
  readonly detail?: string;
}
