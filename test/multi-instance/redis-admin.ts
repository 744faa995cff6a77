/**
 * What the tests themselves ask of Redis: delete a run's keys, read one, shut a private server
 * down. A few lines of RESP over a socket, because the test package has no Redis client of its own;
 * and a private redis-server with the append-only file on, for the restart scenario.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../packages/redis/test/redis-server.js';

export type RespValue = string | number | null | RespValue[];

/** Run one command on the Redis at `url` (with its password, if any) and resolve to the reply. */
export async function redisCommand(url: string, ...args: string[]): Promise<RespValue> {
  const { hostname, port, password } = new URL(url);
  const commands = password ? [['AUTH', decodeURIComponent(password)], args] : [args];
  const replies = await exchange(hostname, Number(port || 6379), commands);
  return replies.at(-1) ?? null;
}

/** Delete every key that starts with `prefix`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await redisCommand(
      url,
      'SCAN',
      cursor,
      'MATCH',
      `${prefix}*`,
      'COUNT',
      '1000',
    )) as [string, string[]];
    if (keys.length > 0) await redisCommand(url, 'DEL', ...keys);
    cursor = next;
  } while (cursor !== '0');
}

function exchange(host: string, port: number, commands: string[][]): Promise<RespValue[]> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffer = Buffer.alloc(0);
    const replies: RespValue[] = [];
    socket.setTimeout(2_000, () => socket.destroy(new Error(`Redis at ${host}:${port} did not answer`)));
    socket.once('error', reject);
    // SHUTDOWN, for one, closes the connection instead of answering.
    socket.once('close', () => reject(new Error(`Redis at ${host}:${port} closed the connection`)));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (!parsed) break;
        buffer = buffer.subarray(parsed.end);
        if (parsed.error) {
          socket.destroy();
          reject(new Error(parsed.error));
          return;
        }
        replies.push(parsed.value);
        if (replies.length === commands.length) {
          socket.end();
          resolve(replies);
          return;
        }
      }
    });
    socket.connect(port, host, () => {
      for (const command of commands) {
        socket.write(
          `*${command.length}\r\n${command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`,
        );
      }
    });
  });
}

/** One RESP2 value from `buffer` at `start`, or undefined when it is not all there yet. */
function parse(buffer: Buffer, start: number): { value: RespValue; end: number; error?: string } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const kind = String.fromCharCode(buffer[start]!);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  if (kind === '+') return { value: line, end: next };
  if (kind === '-') return { value: null, end: next, error: line };
  if (kind === ':') return { value: Number(line), end: next };
  if (kind === '$') {
    const length = Number(line);
    if (length < 0) return { value: null, end: next };
    if (buffer.length < next + length + 2) return undefined;
    return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
  }
  const count = Number(line);
  if (count < 0) return { value: null, end: next };
  const items: RespValue[] = [];
  let position = next;
  for (let index = 0; index < count; index += 1) {
    const item = parse(buffer, position);
    if (!item) return undefined;
    items.push(item.value);
    position = item.end;
  }
  return { value: items, end: position };
}

/** A redis-server of the test's own that keeps its data across restarts (AOF, fsync on every write). */
export interface PersistentRedis {
  readonly url: string;
  /** `SHUTDOWN NOSAVE`: the server stops at once; what the AOF holds survives. */
  shutdown(): Promise<void>;
  /** Start again on the same port and data directory. */
  start(): Promise<void>;
  /** Stop and delete the data directory. */
  destroy(): Promise<void>;
}

/**
 * Start redis-server on a free port with `--appendonly yes --appendfsync always`, so every write
 * Redis acknowledged is on disk before the reply, and with a password, so the tests can check it
 * never shows up in an error.
 */
export async function startPersistentRedis(password: string): Promise<PersistentRedis> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'mailover-redis-'));
  const url = `redis://:${password}@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const server = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', directory],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--requirepass', password],
      ],
      { stdio: 'ignore' },
    );
    child = server;
    for (let tries = 0; tries < 100; tries += 1) {
      // An unauthenticated PING is refused (NOAUTH), so ask with the password.
      const ready = await redisCommand(url, 'PING').then(
        (reply) => reply === 'PONG',
        () => false,
      );
      if (ready) return;
      if (server.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };

  const exited = (server: ChildProcess | undefined) =>
    new Promise<void>((resolve) => {
      if (!server || server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once('exit', () => resolve());
    });

  await start();
  return {
    url,
    async shutdown() {
      const server = child;
      // The server closes the connection instead of replying.
      await redisCommand(url, 'SHUTDOWN', 'NOSAVE').catch(() => undefined);
      await exited(server);
    },
    start,
    async destroy() {
      const server = child;
      server?.kill('SIGKILL');
      await exited(server);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
