/**
 * Start-up: fresh processes running plain Node on the built dist (`probe.mjs`), each timing one
 * import (and, for `mailer`, building a mailer with the four providers, before any send); median of
 * many runs. A second pass with a module hook lists the packages each scenario loaded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../build-dist.js';
import { median, round, writeResults } from '../overhead/results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 3 : 11;
const SCENARIOS = ['node', 'zod', 'zod-mini', 'core-own', 'core', 'mailer', 'sdks'] as const;
const DESCRIPTIONS: Record<(typeof SCENARIOS)[number], string> = {
  node: 'nothing (the probe itself)',
  zod: "import 'zod' (zod 4, classic API)",
  'zod-mini': "import 'zod/mini' (what core uses)",
  'core-own': "import '@mailover/core' with zod/mini already loaded: core's own modules",
  core: "import '@mailover/core'",
  mailer: 'import core + the four adapters, createMailer with four providers (no send)',
  sdks: 'import the four official SDKs eagerly (@sendgrid/mail, @aws-sdk/client-sesv2, mailgun.js, postmark)',
};
/** Packages that must not load before a provider's first send. */
const LAZY_PACKAGES = [
  /^@sendgrid\//,
  /^@aws-sdk\//,
  /^@smithy\//,
  /^mailgun\.js$/,
  /^postmark$/,
  /^ioredis$/,
  /^bullmq$/,
];

const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

interface Probe {
  readonly milliseconds: number;
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly packages?: readonly string[];
}

function probe(scenario: string, listModules = false): Probe & { processMilliseconds: number } {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', PROBE, scenario, ...(listModules ? ['--modules'] : [])],
    {
      encoding: 'utf8',
    },
  );
  const processMilliseconds = performance.now() - started;
  if (child.status !== 0) throw new Error(`probe ${scenario} failed: ${child.stderr}`);
  return { ...(JSON.parse(child.stdout) as Probe), processMilliseconds };
}

buildDist('startup');
const samples = new Map<string, (Probe & { processMilliseconds: number })[]>(
  SCENARIOS.map((name) => [name, []]),
);
// Interleaved, so that a slow moment of the machine falls on every scenario alike.
for (let run = 0; run < RUNS; run++)
  for (const scenario of SCENARIOS) samples.get(scenario)!.push(probe(scenario));

const rows = SCENARIOS.map((scenario) => {
  const runs = samples.get(scenario)!;
  const packages = probe(scenario, true).packages ?? [];
  const row = {
    scenario,
    what: DESCRIPTIONS[scenario],
    importMilliseconds: round(median(runs.map((entry) => entry.milliseconds)), 1),
    processMilliseconds: round(median(runs.map((entry) => entry.processMilliseconds)), 1),
    heapKiB: Math.round(median(runs.map((entry) => entry.heapBytes)) / 1024),
    rssKiB: Math.round(median(runs.map((entry) => entry.rssBytes)) / 1024),
    packages,
  };
  console.log(JSON.stringify(row));
  return row;
});

const byName = Object.fromEntries(rows.map((row) => [row.scenario, row]));
const mailerPackages = byName.mailer!.packages;
const checks = {
  sdkLoadedBeforeFirstSend: mailerPackages.filter((name) =>
    LAZY_PACKAGES.some((pattern) => pattern.test(name)),
  ),
  zodLoadedBeforeFirstSend: mailerPackages.includes('zod'),
  coreOverZodMiniMilliseconds: round(
    byName.core!.importMilliseconds - byName['zod-mini']!.importMilliseconds,
    1,
  ),
  coreOverZodMilliseconds: round(byName.core!.importMilliseconds - byName.zod!.importMilliseconds, 1),
};
console.log(JSON.stringify(checks));
const path = writeResults('startup', {
  method:
    `Fresh \`node --expose-gc bench/startup/probe.mjs <scenario>\` processes on the built dist (no TypeScript ` +
    `loader), ${RUNS} runs per scenario interleaved, medians. importMilliseconds: performance.now() around the ` +
    'import (and createMailer); processMilliseconds: spawn to exit, Node start-up included; heap/RSS: growth ' +
    'across the import after a forced GC. packages: every package a module was resolved from (module hook + ' +
    'require.cache), in a separate run.',
  targets:
    'no provider SDK (nor ioredis/bullmq) loaded before its first send; core import within 10 ms of zod',
  rows,
  checks,
});
console.log(`wrote ${path}`);
