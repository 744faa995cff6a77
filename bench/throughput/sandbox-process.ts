/** Start the sandbox in a child process, so the measured process holds only the client side. */
import { spawn } from 'node:child_process';
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

/** Start the sandbox child; it stops when `close()` ends its stdin, or when this process dies. */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [...SOURCE_FLAGS, ENTRY], { stdio: ['pipe', 'pipe', 'inherit'] });
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
