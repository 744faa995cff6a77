/**
 * Where a side of bench/overhead spends its CPU, by function: the SDK alone and `mailer.send()`
 * through the adapter, each in a process of its own against a sandbox child, profiled with V8's
 * sampling profiler after a long warm-up. Prints self time per send (µs, profiler included, so
 * larger than the overhead bench's figures: read it for shares, not for totals), by package and by
 * function, mailer minus SDK first. What `bench/README.md` ("Where the time goes") is written from.
 *   node --import tsx bench/overhead/profile.ts <provider> [--sends N]
 * Child mode: node --import tsx bench/overhead/profile.ts --child <provider> <sdk|mailer> <sends> <out>
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMailer } from '@mailover/core';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { pinThisProcess, startSandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, PROVIDER_KINDS, rawSenderFor } from './fixtures.js';

type Side = 'sdk' | 'mailer';
const WARMUP = 4_000;
const SAMPLING_INTERVAL_US = 50;
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, kind, side, sends, out] = args as [string, SandboxProviderKind, Side, string, string];
  const pinned = pinThisProcess(0);
  const sandbox = await startSandboxProcess(pinned ? { pinTo: 1 } : {});
  let send: () => Promise<unknown>;
  if (side === 'sdk') send = await rawSenderFor(kind, sandbox);
  else {
    const mailer = createMailer({ providers: [adapterFor(kind, sandbox)] });
    send = () => mailer.send(benchMessage());
  }
  for (let index = 0; index < WARMUP; index++) await send();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  for (let index = 0; index < Number(sends); index++) await send();
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  await sandbox.close();
  process.exit(0);
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per send (µs) by function and by package. The profiler's own work is left out. */
function selfTimes(profile: Profile, sends: number) {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    byNode.set(id, (byNode.get(id) ?? 0) + profile.timeDeltas[index]!);
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, micros: number) =>
    map.set(key, (map.get(key) ?? 0) + micros / sends);
  for (const node of profile.nodes) {
    const micros = byNode.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    // `Profiler.stop` serialising the profile runs inside the measured window: not a send's cost.
    if (micros === 0 || (functionName === 'dispatch' && url === '')) continue;
    const where = url.includes('/node_modules/')
      ? url.split('/node_modules/').at(-1)!
      : url.split('/packages/').at(-1)!;
    add(functions, `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, micros);
    add(packages, packageOf(url, functionName), micros);
  }
  return { functions, packages };
}

function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName; // (garbage collector), (program), (idle), native code
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const inModules = url.split('/node_modules/');
  if (inModules.length > 1) {
    const parts = inModules.at(-1)!.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const inPackages = url.split('/packages/');
  return inPackages.length > 1 ? `@mailover/${inPackages[1]!.split('/')[0]}` : url.split('/').at(-1)!;
}

function table(title: string, mailer: Map<string, number>, sdk: Map<string, number>, rows: number): string {
  const keys = [...new Set([...mailer.keys(), ...sdk.keys()])].filter((key) => key !== '(idle)');
  const difference = (key: string) => (mailer.get(key) ?? 0) - (sdk.get(key) ?? 0);
  keys.sort((a, b) => difference(b) - difference(a));
  const cell = (value: number) => value.toFixed(2).padStart(8);
  const lines = keys
    .slice(0, rows)
    .map(
      (key) => `${cell(mailer.get(key) ?? 0)} ${cell(sdk.get(key) ?? 0)} ${cell(difference(key))}  ${key}`,
    );
  const total = (map: Map<string, number>) =>
    [...map].reduce((sum, [key, value]) => (key === '(idle)' ? sum : sum + value), 0);
  return [
    `${title} (µs of self time a send, profiler included)`,
    `  mailer      sdk     diff`,
    ...lines,
    `${cell(total(mailer))} ${cell(total(sdk))} ${cell(total(mailer) - total(sdk))}  all`,
  ].join('\n');
}

const kind = args[0] as SandboxProviderKind;
if (!PROVIDER_KINDS.includes(kind)) {
  console.error(`usage: profile.ts <${PROVIDER_KINDS.join('|')}> [--sends N]`);
  process.exit(2);
}
const sendsAt = args.indexOf('--sends');
const SENDS = sendsAt === -1 ? 6_000 : Number(args[sendsAt + 1]);
const directory = mkdtempSync(join(tmpdir(), 'overhead-profile-'));
const profiled = {} as Record<Side, ReturnType<typeof selfTimes>>;
for (const side of ['sdk', 'mailer'] as const) {
  const out = join(directory, `${side}.cpuprofile`);
  execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', kind, side, String(SENDS), out],
    { stdio: 'inherit' },
  );
  profiled[side] = selfTimes(JSON.parse(readFileSync(out, 'utf8')) as Profile, SENDS);
}
rmSync(directory, { recursive: true, force: true });
console.log(
  `${kind}: ${SENDS} sends a side after ${WARMUP} to warm up, sampled every ${SAMPLING_INTERVAL_US} µs\n`,
);
console.log(table('By package', profiled.mailer.packages, profiled.sdk.packages, 15));
console.log();
console.log(table('By function', profiled.mailer.functions, profiled.sdk.functions, 40));
