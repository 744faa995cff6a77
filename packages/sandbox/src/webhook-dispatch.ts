import { SimulatedDelivery, type SimulatedDeliveryOptions } from './simulated-delivery.js';
import { attemptSmtpDelivery, type SmtpDeliveryOptions, wantsSmtp } from './smtp-delivery.js';

import type { AcceptedMessage, BuiltWebhook, SandboxEventSpec, SandboxProviderKind } from './types.js';

import {
  buildMailgunWebhook,
  generateMailgunWebhookKeys,
  type MailgunWebhookKeys,
} from './webhooks/mailgun.js';
import {
  buildPostmarkWebhook,
  generatePostmarkWebhookKeys,
  type PostmarkWebhookKeys,
} from './webhooks/postmark.js';
import {
  buildSendGridWebhook,
  generateSendGridWebhookKeys,
  type SendGridWebhookKeys,
} from './webhooks/sendgrid.js';
import { buildResendWebhook, generateResendWebhookKeys, type ResendWebhookKeys } from './webhooks/resend.js';
import { buildSesWebhook, generateSesWebhookKeys, type SesWebhookKeys } from './webhooks/ses.js';

/** One thing that happens to one recipient after the provider accepted the message. */
export interface OutcomeStep {
  readonly type: SandboxEventSpec['type'];
  /** After how long (from acceptance, or from the previous step), ms. */
  readonly afterMs: number;
  readonly smtpReply?: string;
  readonly attempt?: number;
  readonly sendingIp?: string;
}

/** Decides each recipient's fate. */
export type OutcomeScript = (message: AcceptedMessage, recipient: string) => readonly OutcomeStep[];

export interface SandboxWebhookOptions {
  /** Where each provider POSTs its events (e.g. `http://127.0.0.1:3000/webhooks/sendgrid`). */
  readonly urls: Partial<Readonly<Record<SandboxProviderKind, string>>>;
  /** What happens to each recipient. Default: {@link outcomeByAddress}. */
  readonly outcome?: OutcomeScript;
  /** Time between steps of the default outcomes, ms. Default 20. */
  readonly stepMs?: number;
  /** Tries per webhook request (providers re-deliver on non-2xx). Default 3. */
  readonly tries?: number;
  /** Deliver over real SMTP (to Postfix + postgrey, say) instead of playing the outcome script. */
  readonly smtp?: SmtpDeliveryOptions;
  /** Deliver to a simulated recipient population (greylisters, rate limits, full mailboxes) on scaled time. */
  readonly simulation?: SimulatedDeliveryOptions;
}

/** The keys the sandbox signs webhooks with: configure the adapters' verification with these. */
export interface SandboxWebhookKeys {
  readonly sendgrid: SendGridWebhookKeys;
  readonly mailgun: MailgunWebhookKeys;
  readonly postmark: PostmarkWebhookKeys;
  readonly resend: ResendWebhookKeys;
  /** Generated on first use (it needs the `openssl` CLI). */
  readonly ses: () => SesWebhookKeys;
}

/** One POST the sandbox made. */
export interface WebhookDelivery {
  readonly provider: SandboxProviderKind;
  readonly url: string;
  readonly type: SandboxEventSpec['type'];
  readonly recipient: string;
  /** The final HTTP status, or 0 when the endpoint could not be reached. */
  readonly status: number;
  readonly tries: number;
}

/**
 * The default fate of a recipient, read from its address so tests and demos can choose:
 * `bounce…@` bounces (550 5.1.1), `drop…@` is dropped (suppressed), `defer…@` is deferred twice
 * (452 4.2.2 mailbox full) and then delivered, `greylist…@` is greylisted from a new IP on every
 * attempt and never delivered, anything else is delivered.
 */
export function outcomeByAddress(stepMs = 20): OutcomeScript {
  return (_message, recipient) => {
    const local = recipient.slice(0, recipient.indexOf('@')).toLowerCase();
    const domain = recipient.slice(recipient.indexOf('@') + 1);
    if (local.startsWith('bounce')) {
      return [
        {
          type: 'bounced',
          afterMs: stepMs,
          smtpReply: `550 5.1.1 <${recipient}>: Recipient address rejected: User unknown in virtual mailbox table`,
          attempt: 1,
          sendingIp: '127.1.0.10',
        },
      ];
    }
    if (local.startsWith('drop')) return [{ type: 'dropped', afterMs: stepMs }];
    if (local.startsWith('defer')) {
      const full = `452 4.2.2 <${recipient}>: Mailbox full, try again later`;
      return [
        { type: 'deferred', afterMs: stepMs, smtpReply: full, attempt: 1, sendingIp: '127.1.0.10' },
        { type: 'deferred', afterMs: stepMs, smtpReply: full, attempt: 2, sendingIp: '127.1.0.10' },
        {
          type: 'delivered',
          afterMs: stepMs,
          smtpReply: '250 2.0.0 Ok: queued',
          attempt: 3,
          sendingIp: '127.1.0.10',
        },
      ];
    }
    if (local.startsWith('greylist')) {
      return [1, 2, 3, 4].map((attempt) => ({
        type: 'deferred' as const,
        afterMs: stepMs,
        smtpReply: `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${domain}.html`,
        attempt,
        sendingIp: `127.${attempt}.${attempt * 7}.${10 + attempt}`,
      }));
    }
    return [
      {
        type: 'delivered',
        afterMs: stepMs,
        smtpReply: '250 2.0.0 Ok: queued',
        attempt: 1,
        sendingIp: '127.1.0.10',
      },
    ];
  };
}

export function generateSandboxWebhookKeys(): SandboxWebhookKeys {
  let ses: SesWebhookKeys | undefined;
  return {
    sendgrid: generateSendGridWebhookKeys(),
    mailgun: generateMailgunWebhookKeys(),
    postmark: generatePostmarkWebhookKeys(),
    resend: generateResendWebhookKeys(),
    ses: () => {
      ses ??= generateSesWebhookKeys();
      return ses;
    },
  };
}

/** Build the request a provider would POST for one event. */
export function buildWebhook(
  kind: SandboxProviderKind,
  event: SandboxEventSpec,
  keys: SandboxWebhookKeys,
): BuiltWebhook {
  switch (kind) {
    case 'sendgrid':
      return buildSendGridWebhook([event], keys.sendgrid);
    case 'ses':
      return buildSesWebhook([event], keys.ses());
    case 'mailgun':
      return buildMailgunWebhook([event], keys.mailgun);
    case 'postmark':
      return buildPostmarkWebhook([event], keys.postmark);
    case 'resend':
      return buildResendWebhook(event, keys.resend);
  }
}

/**
 * After a message is accepted, plays each recipient's outcome and POSTs every event, signed, in
 * the provider's real format, re-trying on failure as the providers do.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly outcome: OutcomeScript;
  private closed = false;
  private readonly simulated: SimulatedDelivery | undefined;

  /** `onDelivery` hears of every POST once it is done (the web view's journal). */
  constructor(
    private readonly options: SandboxWebhookOptions,
    readonly keys: SandboxWebhookKeys,
    private readonly onDelivery?: (delivery: {
      readonly provider: SandboxProviderKind;
      readonly url: string;
      readonly status: number;
      readonly tries: number;
      readonly event: SandboxEventSpec;
    }) => void,
  ) {
    this.outcome = options.outcome ?? outcomeByAddress(options.stepMs);
    this.simulated = options.simulation
      ? new SimulatedDelivery(options.simulation, (event) => {
          const url = this.options.urls[event.message.provider];
          if (!url || this.closed) return;
          const job = this.post(event.message.provider, url, event).finally(() => this.inFlight.delete(job));
          this.inFlight.add(job);
        })
      : undefined;
  }

  dispatch(message: AcceptedMessage): void {
    const url = this.options.urls[message.provider];
    if (!url) return;
    const recipients = [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
    if (this.simulated) {
      this.simulated.deliver(message);
      return;
    }
    for (const recipient of recipients) {
      if (wantsSmtp(this.options.smtp, recipient))
        this.deliverOverSmtp(this.options.smtp, message, recipient, url, 1);
      else this.play(message, recipient, url, [...this.outcome(message, recipient)]);
    }
  }

  /** Real SMTP attempts on the provider's schedule until one is answered 2xx or 5xx, or the schedule ends. */
  private deliverOverSmtp(
    smtp: SmtpDeliveryOptions,
    message: AcceptedMessage,
    recipient: string,
    url: string,
    attempt: number,
  ): void {
    if (attempt > smtp.scheduleMs.length) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        const job = attemptSmtpDelivery(smtp, message, recipient, attempt)
          .then((step) => {
            const event: SandboxEventSpec = {
              type: step.type,
              message,
              recipient,
              time: Date.now(),
              ...(step.smtpReply ? { smtpReply: step.smtpReply } : {}),
              attempt,
              ...(step.sendingIp ? { sendingIp: step.sendingIp } : {}),
            };
            return this.post(message.provider, url, event).then(() => step.type === 'deferred');
          })
          .then((again) => {
            if (again && !this.closed) this.deliverOverSmtp(smtp, message, recipient, url, attempt + 1);
          })
          .finally(() => this.inFlight.delete(job));
        this.inFlight.add(job);
      },
      smtp.scheduleMs[attempt - 1],
    );
    this.timers.add(timer);
  }

  /** One recipient's steps in order: each is POSTed only after the previous one was answered. */
  private play(message: AcceptedMessage, recipient: string, url: string, steps: OutcomeStep[]): void {
    const step = steps.shift();
    if (!step) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const event: SandboxEventSpec = {
        type: step.type,
        message,
        recipient,
        time: Date.now(),
        ...(step.smtpReply ? { smtpReply: step.smtpReply } : {}),
        ...(step.attempt === undefined ? {} : { attempt: step.attempt }),
        ...(step.sendingIp ? { sendingIp: step.sendingIp } : {}),
      };
      const job = this.post(message.provider, url, event).finally(() => {
        this.inFlight.delete(job);
        this.play(message, recipient, url, steps);
      });
      this.inFlight.add(job);
    }, step.afterMs);
    this.timers.add(timer);
  }

  /** Resolves once every scheduled event has been POSTed (or given up). */
  async settled(): Promise<void> {
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async post(kind: SandboxProviderKind, url: string, event: SandboxEventSpec): Promise<void> {
    const tries = this.options.tries ?? 3;
    let status = 0;
    let attempt = 0;
    while (attempt < tries) {
      attempt += 1;
      const request = buildWebhook(kind, event, this.keys);
      try {
        const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
        status = response.status;
        await response.arrayBuffer();
        if (status >= 200 && status < 300) break;
      } catch {
        status = 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
    this.deliveries.push({
      provider: kind,
      url,
      type: event.type,
      recipient: event.recipient,
      status,
      tries: attempt,
    });
    this.onDelivery?.({ provider: kind, url, status, tries: attempt, event });
  }
}
