#!/usr/bin/env node
// The one test command (README, CI): typecheck, lint, then every vitest suite in one run — and
// again under each other Node binary named in MAILOVER_TEST_NODES (colon-separated paths; .ci/run
// sets it to a Node 24 from the npm registry, so CI tests Node 20 and 24).
// Ends with the line `N passed, N failed, N skipped` over all runs; exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: false }).status ?? 1;
let failed = 0;
let passed = 0;
let skipped = 0;

console.log('› typecheck');
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) failed += 1;
console.log('› lint');
if (run('npx', ['biome', 'check', '.']) !== 0) failed += 1;

const nodes = [process.execPath, ...(process.env.MAILOVER_TEST_NODES ?? '').split(':').filter(Boolean)];
mkdirSync('.test-results', { recursive: true });
for (const [index, node] of nodes.entries()) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  console.log(`› tests on Node ${version}`);
  const report = `.test-results/vitest-${index}.json`;
  rmSync(report, { force: true });
  const status = run(node, [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ]);
  let runFailed = 0;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    runFailed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
    // A file that fails to load has no tests to count: count it as one failure.
    for (const file of result.testResults) {
      if (file.status === 'failed' && file.assertionResults.length === 0) runFailed += 1;
    }
    printSlowest(result.testResults);
  } catch {
    runFailed += 1;
    console.error(`vitest on Node ${version} wrote no report`);
  }
  if (status !== 0 && runFailed === 0) runFailed = 1;
  failed += runFailed;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

/** The slowest files of a run, so the suite's time (kept under 15 minutes in CI) is easy to watch. */
function printSlowest(files) {
  const timed = files
    .filter((file) => file.endTime > file.startTime)
    .map((file) => ({
      name: file.name.replace(`${process.cwd()}/`, ''),
      seconds: (file.endTime - file.startTime) / 1000,
    }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 8);
  if (timed.length === 0) return;
  console.log('slowest files:');
  for (const file of timed) console.log(`  ${file.seconds.toFixed(1).padStart(6)} s  ${file.name}`);
}
process.exit(failed === 0 ? 0 : 1);
