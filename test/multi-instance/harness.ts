/**
 * Starting mailer instances as separate OS processes and talking to them over HTTP on 127.0.0.1.
 * Every process started here is tracked and killed by `stopAllInstances()` (and on exit), so a
 * failing test leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MessageInput, MessageStatus, SendManyOutcome, SendResult } from '@mailover/core';
import type { BuiltWebhook } from '@mailover/sandbox';
import type { InstanceConfig, InstanceEvent } from './protocol.js';

const SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 20_000;

export interface Reply<Body = unknown> {
  readonly status: number;
  readonly body: Body;
}

/** One running instance process. */
export interface Instance {
  readonly name: string;
  readonly pid: number;
  send(message: MessageInput, options?: { providers?: string[] }): Promise<Reply<SendResult>>;
  sendMany(messages: MessageInput[], options?: { concurrency?: number }): Promise<SendManyOutcome[]>;
  /** The message's status, or undefined when the instance does not know it. Throws on any other failure. */
  status(id: string): Promise<MessageStatus | undefined>;
  /** The raw reply of `status`, for checking errors during an outage. */
  statusReply(id: string): Promise<Reply>;
  /** POST a provider webhook to the instance's endpoint, as the provider would. */
  webhook(provider: string, request: BuiltWebhook): Promise<Reply>;
  idle(): Promise<void>;
  events(): Promise<InstanceEvent[]>;
  /** What the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGKILL: no cleanup, no lock release, as a crash or an OOM kill. Resolves when it is gone. */
  kill(): Promise<void>;
  /** Close the mailer and exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Start an instance process and resolve once it listens. */
export async function startInstance(name: string, config: InstanceConfig): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=mailover-source', SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, MAILOVER_INSTANCE: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });

  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance ${name} did not start in ${READY_TIMEOUT_MS} ms: ${errors}`));
    }, READY_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`instance ${name} exited (${code ?? signal}) before it was ready: ${errors}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;

  const call = async <Body>(path: string, body?: unknown): Promise<Reply<Body>> => {
    const response = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const ok = async <Body>(path: string, body?: unknown): Promise<Body> => {
    const reply = await call<Body>(path, body);
    if (reply.status !== 200)
      throw new Error(`${name} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  return {
    name,
    pid: child.pid ?? 0,
    send: (message, options) => call('/send', { message, options }),
    sendMany: (messages, options) => ok('/send-many', { messages, options }),
    async status(id) {
      const reply = await call<MessageStatus>(`/status/${encodeURIComponent(id)}`);
      if (reply.status === 404) return undefined;
      if (reply.status !== 200)
        throw new Error(`${name} status: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    statusReply: (id) => call(`/status/${encodeURIComponent(id)}`),
    async webhook(provider, request) {
      const response = await fetch(`${base}/webhooks/${provider}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      return { status: response.status, body: await response.json() };
    },
    idle: async () => {
      await ok('/idle', {});
    },
    events: () => ok('/events'),
    stderr: () => errors,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kill every instance process still running (for afterAll and failed tests). */
export async function stopAllInstances(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Poll `check` until it returns true or `timeoutMs` passes; resolves to its last answer. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
