#!/usr/bin/env node
// The one test command (README, CI): typecheck, lint, then every vitest suite in one run.
// Ends with the line `N passed, N failed, N skipped`; exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: false }).status ?? 1;
let failed = 0;

console.log('› typecheck');
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) failed += 1;
console.log('› lint');
if (run('npx', ['biome', 'check', '.']) !== 0) failed += 1;

console.log('› tests');
mkdirSync('.test-results', { recursive: true });
rmSync('.test-results/vitest.json', { force: true });
const vitestStatus = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=.test-results/vitest.json',
  ...process.argv.slice(2),
]);

let passed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync('.test-results/vitest.json', 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no tests to count: count it as one failure.
  for (const file of report.testResults) {
    if (file.status === 'failed' && file.assertionResults.length === 0) failed += 1;
  }
} catch {
  failed += 1;
  console.error('vitest wrote no report');
}
if (vitestStatus !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
