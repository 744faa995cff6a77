/**
 * Private database servers for the restart tests, on ports of their own (the shared ones are never
 * touched): a PostgreSQL cluster in a temporary directory (run as the `postgres` user when this
 * process is root, as PostgreSQL refuses root), and a redis-server with AOF (`appendfsync always`),
 * so that what was acknowledged survives a crash.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../packages/redis/test/redis-server.js';
import { startPersistentRedis } from '../multi-instance/redis-admin.js';

export interface PrivateServer {
  readonly url: string;
  /** Stop the server at once (SHUTDOWN NOSAVE for Redis, an immediate shutdown for PostgreSQL). */
  crash(): Promise<void>;
  /** Start it again on the same port and data. */
  start(): Promise<void>;
  /** Stop and delete its data. */
  remove(): Promise<void>;
}

const pgBin = (name: string) => {
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = found.status === 0 ? found.stdout.trim() : '/usr/lib/postgresql/15/bin';
  return join(dir, name);
};

/** Why a private PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (spawnSync(pgBin('initdb'), ['--version'], { stdio: 'ignore' }).status !== 0)
    return 'initdb is not installed (PostgreSQL server binaries)';
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres'], { stdio: 'ignore' }).status !== 0)
    return 'running as root and there is no postgres user to run PostgreSQL as';
  return undefined;
}

export function redisUnavailable(): string | undefined {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'redis-server is not installed';
}

/** Run a command as the postgres user when root. */
function asPostgres(command: string, args: string[]): { status: number | null; output: string } {
  const root = process.getuid?.() === 0;
  const result = spawnSync(
    root ? 'runuser' : command,
    root ? ['-u', 'postgres', '--', command, ...args] : args,
    {
      encoding: 'utf8',
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export async function startPrivatePostgres(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mailover-pg-'));
  if (process.getuid?.() === 0) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(user), Number(group));
  }
  const init = asPostgres(pgBin('initdb'), ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.output}`);
  const start = async () => {
    const started = asPostgres(pgBin('pg_ctl'), [
      '-D',
      dir,
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`,
      '-w',
      'start',
    ]);
    if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.output}`);
  };
  const crash = async () => {
    asPostgres(pgBin('pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash,
    start,
    async remove() {
      await crash();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server of the test's own with AOF (`appendfsync always`) and a password, crashed by SHUTDOWN NOSAVE. */
export async function startPrivateRedis(password: string): Promise<PrivateServer> {
  const server = await startPersistentRedis(password);
  return { url: server.url, crash: server.shutdown, start: server.start, remove: server.destroy };
}
