/**
 * Throughput: messages per second through `mailer.sendMany` at concurrency 1, 16 and 128 for each
 * provider, beside the same SDK called directly at the same concurrency, and the sandbox alone
 * (replayed SDK requests, no SDK). The sandbox runs in a child process; its CPU share of each run
 * shows whether it, rather than the client, was the limit.
 */
import { createMailer } from '@mailover/core';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { adapterFor, benchMessage, PROVIDER_KINDS, rawSenderFor } from '../overhead/fixtures.js';
import { cpuMicros, round, writeResults } from '../overhead/results.js';
import { captureRequest, replay } from './replay.js';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CONCURRENCIES = [1, 16, 128] as const;
const COUNT: Record<number, number> = QUICK
  ? { 1: 300, 16: 600, 128: 800 }
  : { 1: 1_600, 16: 4_000, 128: 4_000 };
// JIT tiers settle only after thousands of calls.
const WARMUP = QUICK ? 300 : 2_500;

interface Run {
  readonly messagesPerSecond: number;
  /** Client process CPU / wall time: 1.0 is one core saturated. */
  readonly clientCpu: number;
  /** Sandbox process CPU / wall time. */
  readonly sandboxCpu: number;
}

interface Totals {
  messages: number;
  wallMicros: number;
  clientMicros: number;
  sandboxMicros: number;
}

async function timed(sandbox: SandboxProcess, totals: Totals, count: number, work: () => Promise<void>) {
  const clientBefore = cpuMicros();
  const sandboxBefore = sandbox.cpuMicros();
  const started = performance.now();
  await work();
  totals.wallMicros += (performance.now() - started) * 1000;
  totals.clientMicros += cpuMicros() - clientBefore;
  totals.sandboxMicros += sandbox.cpuMicros() - sandboxBefore;
  totals.messages += count;
}

function summary(totals: Totals): Run {
  return {
    messagesPerSecond: Math.round((totals.messages * 1_000_000) / totals.wallMicros),
    clientCpu: round(totals.clientMicros / totals.wallMicros),
    sandboxCpu: round(totals.sandboxMicros / totals.wallMicros),
  };
}

async function pool(count: number, concurrency: number, send: () => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await send();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function measureProvider(kind: SandboxProviderKind, sandbox: SandboxProcess) {
  const mailer = createMailer({ providers: [adapterFor(kind, sandbox)] });
  const direct = await rawSenderFor(kind, sandbox);
  const messages = (count: number) => Array.from({ length: count }, benchMessage);
  await mailer.sendMany(messages(WARMUP), { concurrency: 16 });
  await pool(WARMUP, 16, direct);
  const rows = [];
  for (const concurrency of CONCURRENCIES) {
    const half = COUNT[concurrency]! / 2;
    const viaMailer: Totals = { messages: 0, wallMicros: 0, clientMicros: 0, sandboxMicros: 0 };
    const viaSdk: Totals = { messages: 0, wallMicros: 0, clientMicros: 0, sandboxMicros: 0 };
    // A B B A: drift in the machine's speed falls on both sides alike.
    for (const side of ['mailer', 'sdk', 'sdk', 'mailer'] as const) {
      if (side === 'sdk') {
        await timed(sandbox, viaSdk, half, () => pool(half, concurrency, direct));
        continue;
      }
      const batch = messages(half);
      await timed(sandbox, viaMailer, half, async () => {
        const outcomes = await mailer.sendMany(batch, { concurrency });
        const failed = outcomes.filter((outcome) => outcome.status === 'failed').length;
        if (failed > 0) throw new Error(`${kind}: ${failed} sends failed at concurrency ${concurrency}`);
      });
    }
    const row = {
      provider: kind,
      concurrency,
      messages: half * 2,
      mailer: summary(viaMailer),
      sdk: summary(viaSdk),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  await mailer.close();
  return rows;
}

const sandbox = await startSandboxProcess();
const sandboxAlone = [];
for (const kind of PROVIDER_KINDS) {
  const captured = await captureRequest(kind, sandbox);
  await replay(captured, sandbox, WARMUP, 16);
  const count = QUICK ? 1_000 : 5_000;
  const result = await replay(captured, sandbox, count, 128);
  if (result.failures > 0)
    throw new Error(`${kind}: the sandbox refused ${result.failures} replayed requests`);
  const row = {
    provider: kind,
    concurrency: 128,
    requests: count,
    requestsPerSecond: Math.round(result.requestsPerSecond),
  };
  console.log(JSON.stringify(row));
  sandboxAlone.push(row);
}
const rows = [];
for (const kind of PROVIDER_KINDS) rows.push(...(await measureProvider(kind, sandbox)));
await sandbox.close();
const path = writeResults('throughput', {
  method:
    'Wall-clock messages/s of mailer.sendMany (default options, in-memory store) and of the same SDK called ' +
    'directly by a pool of the same concurrency, against the sandbox in a child process. clientCpu and ' +
    "sandboxCpu are each process's CPU time over wall time (1.0 = one core busy). sandboxAlone replays the " +
    'request each SDK sends with a bare keep-alive node:http client at concurrency 128: a lower bound of ' +
    'what the sandbox serves.',
  sandboxAlone,
  rows,
});
console.log(`wrote ${path}`);
