/**
 * Priority, weighted and round-robin routing side by side, plus a per-message override, each run
 * twice against the sandbox: with every provider healthy, and with one provider down. Each
 * (strategy, phase) gets a fresh mailer, so circuits and the round-robin turn start clean.
 */
import { type Clock, createMailer, type MessageInput, type Strategy, systemClock } from '@mailover/core';
import { mailgun } from '@mailover/mailgun';
import { postmark } from '@mailover/postmark';
import type { Sandbox, SandboxProviderKind } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { ses } from '@mailover/ses';

export const PROVIDERS: readonly SandboxProviderKind[] = ['sendgrid', 'ses', 'mailgun', 'postmark'];

/** The weights of the weighted strategy: SendGrid takes 40 % of first picks, then 30, 20, 10. */
export const WEIGHTS: Readonly<Record<Exclude<SandboxProviderKind, 'resend'>, number>> = {
  sendgrid: 4,
  ses: 3,
  mailgun: 2,
  postmark: 1,
};

export interface Scenario {
  /** Shown in the table. */
  readonly name: string;
  readonly strategy: Strategy;
  /** A per-message override: `mailer.send(message, { providers })`, whatever the strategy. */
  readonly providers?: readonly string[];
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'priority', strategy: 'priority' },
  { name: 'weighted 4:3:2:1', strategy: { type: 'weighted', weights: WEIGHTS } },
  { name: 'round-robin', strategy: 'round-robin' },
  { name: "override ['postmark']", strategy: 'priority', providers: ['postmark'] },
];

export interface CompareOptions {
  readonly sandbox: Sandbox;
  /** Messages per (strategy, phase). Default 100. */
  readonly messages?: number;
  /** Seed of the weighted strategy's random draws, so runs repeat. Default 7. */
  readonly seed?: number;
  /** The provider taken down (a standing 503 outage) in the second phase. Default `'sendgrid'`. */
  readonly down?: SandboxProviderKind;
}

/** What happened to one batch. */
export interface Row {
  readonly scenario: string;
  readonly phase: 'healthy' | 'outage';
  /** Messages accepted per provider id. */
  readonly accepted: Readonly<Record<string, number>>;
  /** Messages sent in all (accepted anywhere). */
  readonly sent: number;
  readonly messages: number;
  /** Times the engine moved on from a provider that failed a call. */
  readonly failovers: number;
  /** Times a provider was passed over without a call because its circuit was open. */
  readonly skips: number;
  /** API calls that reached the provider taken down (in the healthy phase: none is down). */
  readonly callsToDown: number;
}

/** Run every scenario, healthy then with `down` out, and count where each message landed. */
export async function compareStrategies(options: CompareOptions): Promise<Row[]> {
  const { sandbox } = options;
  const count = options.messages ?? 100;
  const down = options.down ?? 'sendgrid';
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    for (const phase of ['healthy', 'outage'] as const) {
      sandbox.faults.clear();
      if (phase === 'outage') sandbox.faults.set(down, { kind: 'outage' });
      const before = sandbox.requests[down];
      try {
        const batch = await runBatch(sandbox, scenario, count, options.seed ?? 7);
        rows.push({
          scenario: scenario.name,
          phase,
          ...batch,
          messages: count,
          callsToDown: phase === 'outage' ? sandbox.requests[down] - before : 0,
        });
      } finally {
        sandbox.faults.clear();
      }
    }
  }
  return rows;
}

async function runBatch(sandbox: Sandbox, scenario: Scenario, count: number, seed: number) {
  const mailer = createMailer({
    providers: sandboxProviders(sandbox),
    strategy: scenario.strategy,
    // Short backoffs keep the demo quick; the breaker stops paying for the outage after 3 failures.
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 },
    breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    clock: seededClock(seed),
    greylisting: false,
  });
  let failovers = 0;
  let skips = 0;
  mailer.on('failover', () => {
    failovers += 1;
  });
  mailer.on('skip', (event) => {
    if (event.reason === 'circuit-open') skips += 1;
  });
  const accepted: Record<string, number> = Object.fromEntries(PROVIDERS.map((id) => [id, 0]));
  let sent = 0;
  try {
    // One at a time, so the route of each message follows from the ones before it.
    for (let index = 0; index < count; index++) {
      try {
        const result = await mailer.send(
          message(index),
          scenario.providers ? { providers: scenario.providers } : {},
        );
        accepted[result.provider] = (accepted[result.provider] ?? 0) + 1;
        sent += 1;
      } catch {
        // Counted as not sent: `sent` < `messages` shows it.
      }
    }
  } finally {
    await mailer.close();
  }
  return { accepted, sent, failovers, skips };
}

function sandboxProviders(sandbox: Sandbox) {
  const { endpoints, credentials } = sandbox;
  const timeoutMs = 2_000;
  return [
    sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid, timeoutMs }),
    ses({
      region: credentials.ses.region,
      credentials: {
        accessKeyId: credentials.ses.accessKeyId,
        secretAccessKey: credentials.ses.secretAccessKey,
      },
      endpoint: endpoints.ses,
      timeoutMs,
    }),
    mailgun({ ...credentials.mailgun, endpoint: endpoints.mailgun, timeoutMs }),
    postmark({ serverToken: credentials.postmark.serverToken, endpoint: endpoints.postmark, timeoutMs }),
  ];
}

function message(index: number): MessageInput {
  return {
    from: 'Shop <shop@example.com>',
    to: `customer${index}@example.org`,
    subject: `Order #${1000 + index} confirmed`,
    text: 'Thanks for your order.',
  };
}

/** The system clock with a seeded random source (mulberry32): weighted draws repeat run to run. */
export function seededClock(seed: number): Clock {
  let state = seed >>> 0;
  return {
    now: systemClock.now,
    sleep: systemClock.sleep,
    random() {
      state = (state + 0x6d2b79f5) >>> 0;
      let mixed = state;
      mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
      mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
      return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    },
  };
}
