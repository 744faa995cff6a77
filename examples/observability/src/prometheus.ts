/**
 * A real Prometheus server for the test and the dashboard picture: Debian's `prometheus` binary,
 * started with its own config and storage in a temporary directory, on a free loopback port, and
 * its HTTP query API (https://prometheus.io/docs/prometheus/latest/querying/api/).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs it; `PROMETHEUS_BIN` overrides. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** Why Prometheus cannot run here, or undefined when it can. */
export function prometheusMissing(): string | undefined {
  return existsSync(PROMETHEUS_BIN)
    ? undefined
    : `${PROMETHEUS_BIN} not found: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus)`;
}

/** One series of an instant or range query. */
export interface Series {
  readonly metric: Record<string, string>;
  /** [unix seconds, value] pairs (one for an instant query). */
  readonly values: readonly (readonly [number, number])[];
}

export interface Prometheus {
  readonly url: string;
  /** An instant query (`/api/v1/query`). */
  query(promql: string): Promise<Series[]>;
  /** A range query (`/api/v1/query_range`), times in unix seconds. */
  queryRange(promql: string, start: number, end: number, stepSeconds: number): Promise<Series[]>;
  /** Stop the server and delete its storage. */
  close(): Promise<void>;
}

/** Start Prometheus scraping `targets` (`host:port`, path `/metrics`) every `scrapeIntervalSeconds`. */
export async function startPrometheus(options: {
  readonly targets: readonly string[];
  readonly scrapeIntervalSeconds?: number;
}): Promise<Prometheus> {
  const missing = prometheusMissing();
  if (missing) throw new Error(missing);
  const directory = mkdtempSync(join(tmpdir(), 'mailover-prometheus-'));
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  writeFileSync(
    join(directory, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: mailover',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: [${options.targets.map((target) => `'${target}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
    });
  } catch (error) {
    await close();
    throw error;
  }

  async function api(path: string, parameters: Record<string, string>): Promise<Series[]> {
    const response = await fetch(`${url}${path}?${new URLSearchParams(parameters)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data: {
        result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
      };
    };
    if (body.status !== 'success') throw new Error(`prometheus: ${body.error} (${parameters.query})`);
    return body.data.result.map((series) => ({
      metric: series.metric,
      values: (series.values ?? (series.value ? [series.value] : [])).map(
        ([time, value]) => [time, Number(value)] as const,
      ),
    }));
  }

  return {
    url,
    query: (promql) => api('/api/v1/query', { query: promql }),
    queryRange: (promql, start, end, step) =>
      api('/api/v1/query_range', {
        query: promql,
        start: String(start),
        end: String(end),
        step: String(step),
      }),
    close,
  };
}

/** Poll `check` every 200 ms until it is true; fails after `attempts` tries. */
export async function until(check: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('gave up waiting');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
