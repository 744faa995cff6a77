/**
 * Issue 5's benchmark: greylisting loops with a rotating-IP provider, and what the engine's
 * failover and domain memory do about them. Run from the repo root:
 *
 *   npx tsx --conditions=mailover-source bench/greylisting/run.ts [--messages 10000]
 *
 * Deterministic (seeded), on a virtual clock, the real `createMailer`. Exits non-zero when the
 * simulation disagrees with the closed form of greylisting-model.md §6.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { delayChart } from './chart.js';
import { runClosedFormChecks } from './closed-form-checks.js';
import { DEFAULT_WORLD, runScenario, type Strategy, type World } from './scenario.js';
import { formatDuration, percent } from './stats.js';
import { type StrategySummary, summarize } from './summary.js';

const DAY = 24 * 3_600_000;
const LONG_WINDOW = 30 * DAY;
const failoverAfter = (deferrals: number): Strategy => ({
  name: `failover after ${deferrals} deferral${deferrals > 1 ? 's' : ''}`,
  providers: ['rotating', 'fixed'],
  greylisting: { deferrals, distinctNetworks: 0, domainMemoryMs: 0, windowMs: LONG_WINDOW },
});

const STRATEGIES: readonly Strategy[] = [
  { name: 'rotating provider alone', providers: ['rotating', 'fixed'], greylisting: false },
  { name: 'fixed-IP provider alone (reference)', providers: ['fixed'], greylisting: false },
  failoverAfter(1),
  failoverAfter(2),
  failoverAfter(3),
  { name: 'failover + domain memory (default policy)', providers: ['rotating', 'fixed'], greylisting: {} },
];

const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const world: World = { ...DEFAULT_WORLD, messages: Number(argument('messages') ?? DEFAULT_WORLD.messages) };
const started = performance.now();

// 1. The simulation alone against the closed form; a disagreement makes every number below suspect.
const checks = runClosedFormChecks({ seed: world.seed, trials: 40_000 });
console.log('## Closed form (greylisting-model.md §6) vs simulation, 40 000 trials each\n');
console.log(
  '| case | K | J | P_loop closed form | P_loop simulated | ±2σ | E[T\\|delivered] closed form | simulated | agrees |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const check of checks) {
  console.log(
    `| ${check.name} | ${check.keys} | ${check.retries} | ${percent(check.expectedLoop, 2)} | ${percent(check.observedLoop, 2)} | ${(2 * check.sigma * 100).toFixed(2)} pp | ${formatDuration(check.expectedMeanDelayMs)} | ${formatDuration(check.observedMeanDelayMs)} | ${check.agrees ? 'yes' : '**NO**'} |`,
  );
}
const disagreements = checks.filter((check) => !check.agrees);

// 2. The engine, strategy by strategy, on the same world.
const summaries: StrategySummary[] = [];
for (const strategy of STRATEGIES) {
  summaries.push(summarize(await runScenario(world, strategy)));
}

const greylistingRecipients = summaries[0]!.greylisting.recipients;
console.log(
  `\n## Strategies: ${world.messages} messages over ${world.spanMs / 3_600_000} h to ${world.domains} domains (${percent(world.greylistingShare, 0)} greylisting, ${greylistingRecipients} recipients there); webhook latency ${world.webhookLatencyMs / 1000} s\n`,
);
console.log(
  '| strategy | delivered | lost | greylisting p50 / p95 / p99 | overall p50 / p95 / p99 | duplicates (greylisting share) | duplicates after learning | failovers |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const summary of summaries) {
  const triple = (stats: { p50Ms: number; p95Ms: number; p99Ms: number }) =>
    `${formatDuration(stats.p50Ms)} / ${formatDuration(stats.p95Ms)} / ${formatDuration(stats.p99Ms)}`;
  const learned = summary.afterLearning.recipients
    ? `${summary.afterLearning.duplicates} of ${summary.afterLearning.recipients} (${percent(summary.afterLearning.share, 2)})`
    : 'n/a';
  console.log(
    `| ${summary.strategy} | ${percent(summary.deliveredShare, 2)} | ${summary.lost} | ${triple(summary.greylisting)} | ${triple(summary.overall)} | ${summary.duplicates} (${percent(summary.duplicateShareGreylisting)}) | ${learned} | ${summary.failovers} |`,
  );
}

// 3. The targets of issue 5, judged on the default policy.
const fixedAlone = summaries.find((summary) => summary.strategy.startsWith('fixed-IP'))!;
const chosen = summaries.at(-1)!;
const detectionMs = world.rotatingSchedule.attempts(Math.random)[1]! + world.webhookLatencyMs;
const targets = [
  { target: 'no message lost', value: `${chosen.lost} lost`, met: chosen.lost === 0 },
  {
    target: `p95 to greylisting domains ≤ fixed provider's own p95 (${formatDuration(fixedAlone.greylisting.p95Ms)}) + one detection interval (${formatDuration(detectionMs)})`,
    value: formatDuration(chosen.greylisting.p95Ms),
    met: chosen.greylisting.p95Ms <= fixedAlone.greylisting.p95Ms + detectionMs,
  },
  {
    target: 'duplicates < 1 % once domain memory has seen the domain',
    value: percent(chosen.afterLearning.share, 2),
    met: chosen.afterLearning.share < 0.01,
  },
];
console.log('\n## Targets (default policy)\n');
console.log('| target | measured | met |');
console.log('|---|---|---|');
for (const entry of targets)
  console.log(`| ${entry.target} | ${entry.value} | ${entry.met ? 'yes' : '**no**'} |`);
console.log('\n## p95 delay by greylister class\n');
const classes = Object.keys(chosen.p95ByClass).sort();
console.log(`| strategy | ${classes.join(' | ')} |`);
console.log(`|---|${classes.map(() => '---').join('|')}|`);
for (const summary of summaries) {
  console.log(
    `| ${summary.strategy} | ${classes.map((name) => formatDuration(summary.p95ByClass[name] ?? Number.NaN)).join(' | ')} |`,
  );
}

// 4. Domains sharing MX hosts: domain memory vs MX memory (issue 18).
const sharedWorld: World = { ...world, domains: 2000, domainsPerMx: 10 };
const SHARED_STRATEGIES: readonly Strategy[] = [
  { name: 'rotating provider alone', providers: ['rotating', 'fixed'], greylisting: false },
  { name: 'failover + domain memory (default policy)', providers: ['rotating', 'fixed'], greylisting: {} },
  {
    name: 'failover + domain and MX memory',
    providers: ['rotating', 'fixed'],
    greylisting: {},
    mxMemory: true,
  },
];
const shared: StrategySummary[] = [];
for (const strategy of SHARED_STRATEGIES) shared.push(summarize(await runScenario(sharedWorld, strategy)));
console.log(
  `\n## Shared MX hosts: ${sharedWorld.messages} messages to ${sharedWorld.domains} domains behind ${sharedWorld.domains / sharedWorld.domainsPerMx!} MX hosts (${sharedWorld.domainsPerMx} domains each; ${percent(sharedWorld.greylistingShare, 0)} of hosts greylist, ${shared[0]!.greylisting.recipients} recipients behind them)\n`,
);
console.log(
  '| strategy | delivered | lost | greylisting p50 / p95 / p99 | duplicates (greylisting share) | loops | failovers | routed by domain / by MX |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const summary of shared) {
  const stats = summary.greylisting;
  console.log(
    `| ${summary.strategy} | ${percent(summary.deliveredShare, 2)} | ${summary.lost} | ${formatDuration(stats.p50Ms)} / ${formatDuration(stats.p95Ms)} / ${formatDuration(stats.p99Ms)} | ${summary.duplicates} (${percent(summary.duplicateShareGreylisting)}) | ${summary.loops} | ${summary.failovers} | ${summary.domainRoutes - summary.mxRoutes} / ${summary.mxRoutes} |`,
  );
}

const wallMs = performance.now() - started;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
console.log(`\n${machine}; wall time ${(wallMs / 1000).toFixed(1)} s`);

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'greylisting.json'),
  `${JSON.stringify(
    {
      machine,
      wallMs: Math.round(wallMs),
      world: {
        ...world,
        rotatingSchedule: world.rotatingSchedule.name,
        fixedSchedule: world.fixedSchedule.name,
      },
      closedForm: checks,
      strategies: summaries.map(({ greylistingDelaysMs, ...summary }) => summary),
      targets,
      sharedMx: {
        world: { domains: sharedWorld.domains, domainsPerMx: sharedWorld.domainsPerMx },
        strategies: shared.map(({ greylistingDelaysMs, ...summary }) => summary),
      },
    },
    (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`,
);
writeFileSync(
  join(root, 'bench', 'results', 'greylisting.svg'),
  delayChart(
    summaries,
    `Delay to greylisting domains (${world.messages} messages; rotating: 256 IPs over 16 /24s, SendGrid-like retries)`,
  ),
);

if (disagreements.length > 0) {
  console.error('\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  console.error('!!! THE SIMULATION DISAGREES WITH THE CLOSED FORM OF greylisting-model.md §6 !!!');
  for (const check of disagreements) console.error(`!!! ${check.name}: ${check.problem}`);
  console.error('!!! The greylister, pool or schedule model is wrong: do not trust the numbers above.');
  console.error('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  process.exitCode = 1;
}
