/**
 * `pnpm bench`: every benchmark, each in its own fresh process (so none inherits another's heap or
 * JIT state), writing its JSON to `bench/results/`; then one summary table per benchmark, in
 * Markdown, from those files. `BENCH_QUICK=1` runs short versions (for trying changes, not figures).
 * `pnpm bench -- overhead memory` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDist } from './build-dist.js';
import { RESULTS_DIRECTORY } from './overhead/results.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_FLAGS = ['--import', 'tsx', '--conditions=mailover-source'];
/** The benchmark's own TypeScript through tsx, but `@mailover/*` from the built dist: what users run. */
const DIST_FLAGS = ['--import', 'tsx'];

interface Benchmark {
  readonly name: string;
  readonly script: string;
  readonly nodeFlags: readonly string[];
  readonly arguments?: readonly string[];
  /** Measures the built packages, so they are built first. */
  readonly dist?: boolean;
}

const BENCHMARKS: readonly Benchmark[] = [
  { name: 'startup', script: 'bench/startup/run.ts', nodeFlags: SOURCE_FLAGS },
  {
    name: 'overhead',
    script: 'bench/overhead/run.ts',
    nodeFlags: ['--expose-gc', ...DIST_FLAGS],
    dist: true,
  },
  {
    name: 'overhead-otel',
    script: 'bench/overhead/otel.ts',
    nodeFlags: ['--expose-gc', ...DIST_FLAGS],
    dist: true,
  },
  { name: 'throughput', script: 'bench/throughput/run.ts', nodeFlags: SOURCE_FLAGS },
  { name: 'webhooks', script: 'bench/webhooks/run.ts', nodeFlags: ['--expose-gc', ...SOURCE_FLAGS] },
  { name: 'memory', script: 'bench/memory/run.ts', nodeFlags: ['--expose-gc', ...SOURCE_FLAGS] },
  { name: 'suppression', script: 'bench/suppression/run.ts', nodeFlags: ['--expose-gc', ...SOURCE_FLAGS] },
  { name: 'greylisting', script: 'bench/greylisting/run.ts', nodeFlags: SOURCE_FLAGS },
  { name: 'classify', script: 'bench/classify/run.ts', nodeFlags: SOURCE_FLAGS },
  { name: 'queue', script: 'bench/queue/run.ts', nodeFlags: SOURCE_FLAGS },
];

const only = process.argv.slice(2).filter((argument) => argument !== '--');
const selected = BENCHMARKS.filter(
  (benchmark) =>
    (only.length === 0 || only.includes(benchmark.name)) && existsSync(`${ROOT}${benchmark.script}`),
);
const failed: string[] = [];
if (selected.some((benchmark) => benchmark.dist)) buildDist('bench');
for (const benchmark of selected) {
  console.log(`\n› ${benchmark.name}`);
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [...benchmark.nodeFlags, benchmark.script, ...(benchmark.arguments ?? [])],
    // The AWS SDK warns once per process that Node 20 support ends in 2027; it is not a result.
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(benchmark.dist ? { MAILOVER_BENCH_PACKAGES: 'built dist (plain JavaScript, as published)' } : {}),
      },
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`› ${benchmark.name}: ${child.status === 0 ? 'done' : 'FAILED'} in ${seconds} s`);
  if (child.status !== 0) failed.push(benchmark.name);
}

console.log(`\n${markdownSummary()}`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}

/** The README's tables, rebuilt from the JSON results, so the figures there come from a real run. */
function markdownSummary(): string {
  const read = (name: string) => {
    const path = `${RESULTS_DIRECTORY}${name}.json`;
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  };
  const table = (header: readonly string[], rows: readonly (readonly unknown[])[]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  const sections: string[] = [];
  const overhead = read('overhead');
  if (overhead) {
    sections.push(
      '### Overhead\n\n' +
        table(
          [
            'provider',
            'SDK direct',
            'SDK + normalizeMessage',
            'adapter.send (normalized)',
            'mailer.send',
            'overhead',
            'of which the engine',
            'ratio (target ≤ 1.05)',
            '95 % interval',
            'ratio of totals',
          ],
          overhead.rows.map(
            (row: {
              provider: string;
              microsPerMessage: Record<string, number>;
              overheadMicrosPerMessage: number;
              engineMicrosPerMessage: number;
              ratio: number;
              ratioInterval95: number[];
              ratioOfTotals: number;
            }) => [
              row.provider,
              row.microsPerMessage.sdk,
              row.microsPerMessage['sdk + normalizeMessage'],
              row.microsPerMessage['adapter.send'],
              row.microsPerMessage['mailer.send'],
              row.overheadMicrosPerMessage,
              row.engineMicrosPerMessage,
              row.ratio,
              `${row.ratioInterval95[0]}–${row.ratioInterval95[1]}`,
              row.ratioOfTotals,
            ],
          ),
        ) +
        `\n\nµs of client CPU per message (medians), ${overhead.packages}.`,
    );
  }
  const otel = read('overhead-otel');
  if (otel) {
    sections.push(
      '### Overhead of @mailover/otel\n\n' +
        table(
          [
            'provider',
            'SDK direct',
            'mailer.send, off',
            'mailer.send, on',
            'on − off, µs',
            'on / off',
            '95 % interval',
            'off / SDK',
          ],
          otel.rows.map(
            (row: {
              provider: string;
              microsPerMessage: Record<string, number>;
              instrumentationMicrosPerMessage: number;
              onOverOff: { ratio: number; interval95: number[] };
              offOverSdk: { ratio: number };
            }) => [
              row.provider,
              row.microsPerMessage.sdk,
              row.microsPerMessage.off,
              row.microsPerMessage.on,
              row.instrumentationMicrosPerMessage,
              row.onOverOff.ratio,
              `${row.onOverOff.interval95[0]}–${row.onOverOff.interval95[1]}`,
              row.offOverSdk.ratio,
            ],
          ),
        ) +
        `\n\nµs of client CPU per message (medians), ${otel.packages}.`,
    );
  }
  const startup = read('startup');
  if (startup) {
    sections.push(
      '### Start-up\n\n' +
        table(
          ['scenario', 'import, ms', 'process, ms', 'heap, KiB', 'RSS, KiB'],
          startup.rows.map((row: Record<string, unknown>) => [
            `\`${row.scenario}\`: ${row.what}`,
            row.importMilliseconds,
            row.processMilliseconds,
            row.heapKiB,
            row.rssKiB,
          ]),
        ) +
        `\n\nSDKs loaded before the first send: ${startup.checks.sdkLoadedBeforeFirstSend.length === 0 ? 'none' : startup.checks.sdkLoadedBeforeFirstSend.join(', ')}. ` +
        `zod loaded before the first send: ${startup.checks.zodLoadedBeforeFirstSend ? 'yes' : 'no'}. ` +
        `core − zod/mini: ${startup.checks.coreOverZodMiniMilliseconds} ms; core − zod: ${startup.checks.coreOverZodMilliseconds} ms.`,
    );
  }
  const throughput = read('throughput');
  if (throughput) {
    sections.push(
      '### Throughput\n\n' +
        table(
          [
            'provider',
            'concurrency',
            'mailer msg/s',
            'SDK direct msg/s',
            'client CPU (mailer)',
            'sandbox CPU (mailer)',
          ],
          throughput.rows.map(
            (row: {
              provider: string;
              concurrency: number;
              mailer: Record<string, number>;
              sdk: Record<string, number>;
            }) => [
              row.provider,
              row.concurrency,
              row.mailer.messagesPerSecond,
              row.sdk.messagesPerSecond,
              row.mailer.clientCpu,
              row.mailer.sandboxCpu,
            ],
          ),
        ) +
        '\n\nSandbox alone (replayed SDK requests, concurrency 128): ' +
        throughput.sandboxAlone
          .map(
            (row: { provider: string; requestsPerSecond: number }) =>
              `${row.provider} ${row.requestsPerSecond} req/s`,
          )
          .join(', ') +
        '.',
    );
  }
  const classify = read('classify');
  if (classify) {
    sections.push(
      '### classifySmtpReply\n\n' +
        `${classify.microsPerReplyMedian} µs of CPU per reply, warm (median of ${classify.rounds} rounds over ` +
        `${classify.replies} real replies, mean ${classify.meanReplyLength} characters); ` +
        `${classify.microsPerHostileReplyMedian} µs per hostile ${classify.hostileInputLength}-character reply.`,
    );
  }
  const webhooks = read('webhooks');
  if (webhooks) {
    sections.push(
      '### Webhook ingestion\n\n' +
        table(
          ['format', 'events per CPU second (one core)', 'µs per event'],
          webhooks.rows.map((row: Record<string, unknown>) => [
            row.format,
            row.eventsPerCpuSecond,
            row.microsPerEvent,
          ]),
        ),
    );
  }
  const memory = read('memory');
  if (memory) {
    sections.push(
      '### Memory\n\n' +
        table(
          ['configuration', 'heap bytes per tracked message', 'content bytes', 'beyond content'],
          memory.perMessage.map((row: Record<string, unknown>) => [
            row.configuration,
            row.heapBytesPerMessage,
            row.contentBytes,
            row.bytesBeyondContent,
          ]),
        ) +
        `\n\nSoak: ${memory.soak.messages} messages; heap growth after the store filled: ${memory.soak.growthAfterFullMiB} MiB ` +
        `(samples: ${memory.soak.samples.map((sample: { sent: number; heapMiB: number }) => `${sample.sent / 1000}k → ${sample.heapMiB} MiB`).join(', ')}). ` +
        `CPU per send (mock provider): ${memory.soak.cpuMicrosPerSendBeforeFull} µs before the store filled, ` +
        `${memory.soak.cpuMicrosPerSendAfterFull} µs at the end.`,
    );
  }
  const machine = (overhead ?? startup ?? throughput ?? webhooks ?? memory)?.machine;
  if (machine) sections.unshift(`Machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}.`);
  return sections.join('\n\n');
}
