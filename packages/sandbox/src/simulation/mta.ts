import type { AcceptedMessage, SandboxEventSpec } from '../types.js';
import type { GreylistAttempt } from './greylister.js';
import type { IpPool } from './ip-pool.js';
import type { ReceiverReply } from './population.js';
import type { Random } from './random.js';
import type { RetrySchedule } from './schedules.js';

/** Time for the MTA: the system clock, or a virtual one (`VirtualClock` from `@mailover/core/testing`). */
export interface MtaClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What the MTA needs of a message: an id to build its VERP sender and pool key from. */
export interface MtaMessage {
  readonly providerMessageId: string;
}

/** A delivery event; with an `AcceptedMessage` it is exactly the sandbox's `SandboxEventSpec`. */
export type MtaEvent<Message extends MtaMessage = AcceptedMessage> = Omit<SandboxEventSpec, 'message'> & {
  readonly message: Message;
};

/** Anything that answers delivery attempts: a `ReceiverPopulation`, or one `Greylister` wrapped. */
export interface Receivers {
  receive(attempt: GreylistAttempt): ReceiverReply;
}

export interface SimulatedMtaOptions<Message extends MtaMessage> {
  readonly pool: IpPool;
  readonly schedule: RetrySchedule;
  readonly receivers: Receivers;
  readonly clock: MtaClock;
  /** Random source for the schedule's jitter. Default Math.random. */
  readonly random?: Random;
  /** Called for every attempt's outcome (deferred, delivered, bounced), at the attempt's time. */
  readonly onEvent: (event: MtaEvent<Message>) => void;
  /** The envelope sender: one VERP address per message, kept across retries. Default `bounces+<id>@mta.example`. */
  readonly sender?: (message: Message, recipient: string) => string;
}

export type RecipientOutcome = 'delivered' | 'bounced' | 'expired';

/**
 * A provider's outbound MTA: it takes accepted messages, tries each recipient on its retry
 * schedule from its IP pool, asks the recipient's server, and reports what happened as it happens
 * — deferred with the server's reply, attempt number and sending IP; delivered; bounced on a 5xx
 * or when the schedule runs out. Time is injected, so it runs in-process on a virtual clock or
 * behind the HTTP sandbox on real (scaled) time.
 */
export class SimulatedMta<Message extends MtaMessage = AcceptedMessage> {
  private readonly running = new Set<Promise<unknown>>();
  private readonly random: Random;
  private readonly sender: (message: Message, recipient: string) => string;

  constructor(private readonly options: SimulatedMtaOptions<Message>) {
    this.random = options.random ?? Math.random;
    this.sender = options.sender ?? ((message) => `bounces+${message.providerMessageId}@mta.example`);
  }

  /** Recipients still being tried. */
  get pending(): number {
    return this.running.size;
  }

  /** Queue `message` for `recipients`; resolves with each recipient's outcome once all are final. */
  accept(message: Message, recipients: readonly string[]): Promise<RecipientOutcome[]> {
    const acceptedAt = this.options.clock.now();
    return Promise.all(
      recipients.map((recipient) => {
        const delivery = this.deliver(message, recipient, acceptedAt);
        this.running.add(delivery);
        return delivery.finally(() => this.running.delete(delivery));
      }),
    );
  }

  /** Resolves when every accepted recipient is final. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async deliver(message: Message, recipient: string, acceptedAt: number): Promise<RecipientOutcome> {
    const { clock, pool, receivers, schedule, onEvent } = this.options;
    // Let the provider's API answer before the first attempt's event can exist.
    await Promise.resolve();
    const sender = this.sender(message, recipient);
    const poolKey = `${message.providerMessageId}|${recipient}`;
    let lastReply = '';
    const times = schedule.attempts(this.random);
    for (let index = 0; index < times.length; index++) {
      const wait = acceptedAt + times[index]! - clock.now();
      if (wait > 0) await clock.sleep(wait);
      const sendingIp = pool.pick(poolKey, index + 1);
      const time = clock.now();
      const answer = receivers.receive({ time, ip: sendingIp, sender, recipient });
      const event = { message, recipient, time, attempt: index + 1, sendingIp, smtpReply: answer.reply };
      if (answer.outcome === 'accepted') {
        onEvent({ ...event, type: 'delivered' });
        return 'delivered';
      }
      if (answer.outcome === 'rejected') {
        onEvent({ ...event, type: 'bounced' });
        return 'bounced';
      }
      onEvent({ ...event, type: 'deferred' });
      lastReply = answer.reply;
    }
    // Providers report the give-up when the horizon passes, with the last reply they got.
    const wait = acceptedAt + schedule.horizonMs - clock.now();
    if (wait > 0) await clock.sleep(wait);
    onEvent({
      type: 'bounced',
      message,
      recipient,
      time: clock.now(),
      attempt: times.length,
      smtpReply: lastReply,
    });
    return 'expired';
  }
}
