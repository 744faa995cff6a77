/**
 * How the client-side overhead benchmarks measure (bench/README.md, "How they measure"): each side
 * warmed up, then many short rounds in which every side sends one block, in turn, forward then
 * backward, so drift in the machine's speed falls on every side alike; and every provider the same way.
 */
import type { SandboxProviderKind } from '@mailover/sandbox';
import { pinThisProcess, type SandboxProcess, startSandboxProcess } from '../throughput/sandbox-process.js';
import { PROVIDER_KINDS } from './fixtures.js';
import { cpuMicros } from './results.js';

export type Send = () => Promise<unknown>;

export const QUICK = process.env.BENCH_QUICK === '1';
// JIT tiers settle only after thousands of calls; a short warm-up flatters whichever side ran more code.
export const WARMUP = QUICK ? 300 : 2_000;
// Many short rounds rather than a few long ones: this machine's speed drifts (a shared VM: the SDK
// alone measured anywhere from 0.45 to 2.2 ms a send across runs), so the sides of one round must
// run close together in time; a round that a GC or a noisy neighbour hits is one sample of many,
// and the median (with its bootstrap interval) shows how sure the ratio is.
export const ROUNDS = QUICK ? 30 : 240;
export const BLOCK = 10;

async function cpuPerMessage(send: Send, count: number): Promise<number> {
  const start = cpuMicros();
  for (let index = 0; index < count; index++) await send();
  return (cpuMicros() - start) / count;
}

/** Client CPU per message of each side, one sample per round (µs). */
export async function sampleInTurns<Side extends string>(
  sides: readonly Side[],
  sends: Readonly<Record<Side, Send>>,
): Promise<Record<Side, number[]>> {
  for (const side of sides) await cpuPerMessage(sends[side], WARMUP);
  // Start from a clean heap, so no earlier provider's garbage is collected on this one's time. No
  // forced GC between blocks: a full GC leaves sweeping to background threads whose CPU lands on the
  // next block (it doubled the SDK's reading, 370 → 760 µs a send), and collecting what each side
  // allocates is part of what that side costs.
  global.gc?.();
  const samples = Object.fromEntries(sides.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    // Forward, then backward: drift in the machine's speed falls on every side alike.
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      samples[side].push(await cpuPerMessage(sends[side], BLOCK));
    }
  }
  return samples;
}

/**
 * `compare` for every provider kind against one sandbox in a child process, client and sandbox on
 * CPUs of their own (neither steals the other's core mid-measurement); each row printed as it comes.
 */
export async function everyProvider<Row>(
  compare: (kind: SandboxProviderKind, sandbox: SandboxProcess) => Promise<Row | undefined>,
): Promise<{ rows: Row[]; pinned: boolean }> {
  const pinned = pinThisProcess(0);
  const sandbox = await startSandboxProcess(pinned ? { pinTo: 1 } : {});
  const rows: Row[] = [];
  for (const kind of PROVIDER_KINDS) {
    const row = await compare(kind, sandbox);
    if (row === undefined) continue; // a comparison that leaves this provider out
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  await sandbox.close();
  return { rows, pinned };
}
