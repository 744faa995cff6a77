/**
 * The suppression list of a mailer (docs/suppression.md): the list over the mailer's Store, the
 * check before every provider call, and what webhooks teach it. `suppression: false` turns the
 * check and the learning off; the list itself stays readable.
 */
import { numberOption } from '../config/check.js';
import type { DeliveryEvent } from '../delivery-event.js';
import { learnFrom } from '../suppression/learn.js';
import { SuppressionList } from '../suppression/list.js';
import { createScreen, type Screen } from '../suppression/screen.js';
import type { MailerBase } from './base.js';

export interface SuppressionSide {
  readonly list: SuppressionList;
  /** The check before each call; undefined when turned off. */
  readonly screen: Screen | undefined;
  /** Learn from an attributed event; undefined when turned off. */
  readonly learn:
    | ((event: DeliveryEvent, recipient: string, stream: string | undefined) => Promise<void>)
    | undefined;
}

export function wireSuppression({ options, store, clock }: MailerBase): SuppressionSide {
  const on = options.suppression !== false;
  const list = new SuppressionList(store, clock, {
    softBounceMs: numberOption(
      'createMailer',
      'suppression.softBounceMs',
      options.suppression ? options.suppression.softBounceMs : undefined,
      3 * 24 * 3600 * 1000,
      { min: 0 },
    ),
    ...(options.suppression && options.suppression.pushOnLearn !== undefined
      ? { pushOnLearn: options.suppression.pushOnLearn }
      : {}),
  });
  return {
    list,
    screen: on ? createScreen(store, clock) : undefined,
    learn: on ? (event, recipient, stream) => learnFrom(list, event, recipient, stream) : undefined,
  };
}
