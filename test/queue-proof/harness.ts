/** Starting and killing worker processes for the queue proof tests. Each is killed on exit. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MessageInput, SendResult } from '@mailover/core';
import type { MailerConfig } from './backend.js';

const SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface WorkerProcess {
  readonly pid: number;
  /** SIGKILL, as a crash or an OOM kill: no cleanup, jobs in flight are abandoned. */
  kill(): Promise<void>;
  /** SIGTERM: the mailer closes, handing back what it holds. */
  stop(): Promise<void>;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

function start(
  config: MailerConfig & { mode: 'work' | 'send'; message?: MessageInput },
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=mailover-source', SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, MAILOVER_PROOF: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const handle: WorkerProcess = {
    pid: child.pid!,
    output: () => output,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output.includes('ready\n')) resolve(handle);
    };
    child.stdout!.on('data', check);
    exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready: ${output}`)));
  });
}

export function startWorker(config: MailerConfig): Promise<WorkerProcess> {
  return start({ ...config, mode: 'work' });
}

/** Send one message from a process of its own; resolves with its SendResult. */
export async function sendFromProcess(config: MailerConfig, message: MessageInput): Promise<SendResult> {
  const child = await start({ ...config, mode: 'send', message });
  const code = await child.exited;
  const line = child
    .output()
    .split('\n')
    .find((candidate) => candidate.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`the sending process failed (${code}): ${child.output()}`);
  return JSON.parse(line) as SendResult;
}
