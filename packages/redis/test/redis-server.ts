/**
 * Finding a real Redis for the tests: REDIS_URL or 127.0.0.1:6379 if one answers, else a
 * redis-server started on a free port (when the binary is installed), else a reason to skip.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A redis-server process the tests started, on a private port. */
export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** Start the server again on the same port (after SHUTDOWN or stop). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type RedisTarget =
  | { readonly url: string; readonly stop: () => Promise<void> }
  | { readonly skip: string };

/** True when something at host:port answers PING with PONG (no auth). */
export function ping(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Start redis-server on `port` (a free one by default), resolving once it answers PING. */
export async function startRedisServer(port?: number): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(chosen),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    for (let tries = 0; tries < 100; tries += 1) {
      if (await ping('127.0.0.1', chosen, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${chosen}`);
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await start();
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}

/** The Redis to test against, or why there is none. */
export async function findRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisTarget> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, stop: async () => {} };
  if (await ping('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} };
  if (!hasRedisServer()) {
    return {
      skip: 'no Redis answers at 127.0.0.1:6379, REDIS_URL is unset and redis-server is not installed',
    };
  }
  const server = await startRedisServer();
  return { url: server.url, stop: server.stop };
}

/** A name no other test run uses, for key prefixes and queue names. */
export function uniqueName(label: string): string {
  return `test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
