/** Start the sandbox in a child process, so the measured process holds only the client side. */
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '@mailover/sandbox';

export interface SandboxProcess {
  readonly url: string;
  readonly endpoints: Sandbox['endpoints'];
  readonly credentials: Sandbox['credentials'];
  /** The child's CPU time so far, microseconds (user + system), from /proc. */
  cpuMicros(): number;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./sandbox-server.ts', import.meta.url));

/** Node flags that run TypeScript sources of the workspace: tsx, resolving `mailover-source`. */
export const SOURCE_FLAGS = ['--import', 'tsx', '--conditions=mailover-source'] as const;

/**
 * Start the sandbox child; it stops when `close()` ends its stdin, or when this process dies.
 * `pinTo` runs it on that CPU alone (Linux `taskset`), so it never shares a core with the client
 * being measured; ignored where taskset is missing.
 */
export async function startSandboxProcess(options: { pinTo?: number } = {}): Promise<SandboxProcess> {
  const command = [process.execPath, ...SOURCE_FLAGS, ENTRY];
  const pinned = options.pinTo !== undefined && hasTaskset();
  const child = pinned
    ? spawn('taskset', ['-c', String(options.pinTo), ...command], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox process exited early (${code})`)));
  });
  const info = JSON.parse(first) as Pick<SandboxProcess, 'url' | 'endpoints' | 'credentials'>;
  const ticks = 100; // USER_HZ on Linux: /proc reports CPU time in these
  return {
    ...info,
    cpuMicros() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticks;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

function hasTaskset(): boolean {
  return process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;
}

/**
 * Keep this process (all its threads) on CPU `cpu`, away from the sandbox; false where taskset is
 * missing or the machine has one CPU.
 */
export function pinThisProcess(cpu: number): boolean {
  if (!hasTaskset() || availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)]).status === 0;
}
