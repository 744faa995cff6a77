import { type IpPool, ipPool } from './simulation/ip-pool.js';
import { type MtaClock, SimulatedMta } from './simulation/mta.js';
import type { ReceiverPopulation } from './simulation/population.js';
import { type RetrySchedule, SCHEDULES } from './simulation/schedules.js';
import type { AcceptedMessage, SandboxEventSpec, SandboxProviderKind } from './types.js';

/**
 * Deliver accepted messages to a simulated recipient population (greylisters of greylisting-model.md §5,
 * rate-limiting and full-mailbox domains) from each provider's IP pool on its retry schedule, with
 * time scaled so hours pass in seconds. Each attempt's outcome becomes a signed webhook.
 */
export interface SimulatedDeliveryOptions {
  readonly population: ReceiverPopulation;
  /** Each provider's sending pool. Default: 256 IPs over 16 /24s, rotating, per provider. */
  readonly pools?: Partial<Readonly<Record<SandboxProviderKind, IpPool>>>;
  /** Each provider's retry schedule. Default: SendGrid-like for all (greylisting-model.md §5.3). */
  readonly schedules?: Partial<Readonly<Record<SandboxProviderKind, RetrySchedule>>>;
  /** Simulated ms per real ms (600: a second is ten minutes). Default 600. Ignored with `clock`. */
  readonly timeScale?: number;
  /** A clock of your own (a virtual one, say). Default: real time scaled by `timeScale`. */
  readonly clock?: MtaClock;
}

const PROVIDER_OCTETS: Readonly<Record<SandboxProviderKind, number>> = {
  sendgrid: 1,
  ses: 2,
  mailgun: 3,
  postmark: 4,
  resend: 5,
};

/** Real time, sped up: `now()` runs `scale` times faster than the wall clock, and so does `sleep`. */
export function scaledClock(scale: number): MtaClock {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * scale,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale).unref?.()),
  };
}

export class SimulatedDelivery {
  private readonly mtas = new Map<SandboxProviderKind, SimulatedMta>();
  readonly clock: MtaClock;

  constructor(
    private readonly options: SimulatedDeliveryOptions,
    private readonly report: (event: SandboxEventSpec) => void,
  ) {
    this.clock = options.clock ?? scaledClock(options.timeScale ?? 600);
  }

  deliver(message: AcceptedMessage): void {
    const recipients = [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
    void this.mtaFor(message.provider).accept(message, recipients);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.mtas.values()].map((mta) => mta.idle()));
  }

  private mtaFor(kind: SandboxProviderKind): SimulatedMta {
    let mta = this.mtas.get(kind);
    if (!mta) {
      mta = new SimulatedMta({
        pool: this.options.pools?.[kind] ?? ipPool({ size: 256, networks: 16, octet: PROVIDER_OCTETS[kind] }),
        schedule: this.options.schedules?.[kind] ?? SCHEDULES.sendgridLike,
        receivers: this.options.population,
        clock: this.clock,
        onEvent: (event) => this.report(event),
      });
      this.mtas.set(kind, mta);
    }
    return mta;
  }
}
