/**
 * What every part of a mailer is built from: the options as given and resolved, and the clock,
 * store, scheduler and emitter they share. `createMailer` builds it once and hands it to each
 * wiring module (docs/architecture.md, "Inside createMailer").
 */
import type { Scheduler } from '../store/scheduler.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import type { MailerEmitter } from './events.js';
import type { CreateMailerOptions } from './mailer.js';
import type { ResolvedMailerOptions } from './options.js';

export interface MailerBase {
  readonly options: CreateMailerOptions;
  readonly resolved: ResolvedMailerOptions;
  readonly clock: Clock;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly emitter: MailerEmitter;
}
