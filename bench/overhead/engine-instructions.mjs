// The engine alone in instructions, not time (bench/README.md, "Session 5"): load-independent, for
// comparing checkouts on a busy machine. `mailer.send()` through `@mailover/core/testing`'s mock
// provider, on the built core of the checkout given (build it first: tsc -p packages/core/tsconfig.build.json),
// under `valgrind --tool=callgrind`, `node --single-threaded` (GC and compilation on the counted
// thread). Two runs, 20 000 and 40 000 sends; the per-send figures are their difference / 20 000,
// so start-up, warm-up and optimizing compilation fall out.
//   node bench/overhead/engine-instructions.mjs /path/to/checkout [--no-suppression]
// Child mode (what valgrind runs): node engine-instructions.mjs --child <checkout> <sends> [--no-suppression]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const noSuppression = args.includes('--no-suppression');
// `--sends N`: runs of N and 2N sends (default 20 000; less only to try the script).
const sendsAt = args.indexOf('--sends');
const SENDS = sendsAt === -1 ? 20_000 : Number(args[sendsAt + 1]);

if (args[0] === '--child') {
  const [, root, sends] = args;
  const { createMailer } = await import(`${root}/packages/core/dist/index.js`);
  const { mockProvider } = await import(`${root}/packages/core/dist/testing/index.js`);
  const mailer = createMailer({
    providers: [mockProvider({ id: 'mock' })],
    ...(noSuppression ? { suppression: false } : {}),
  });
  let sent = 0;
  // A new recipient every time, as in bench/overhead/fixtures.ts.
  const message = () => ({
    from: 'shop@example.com',
    to: `customer${sent++}@example.org`,
    subject: 'S',
    text: 'T',
  });
  for (let index = 0; index < Number(sends); index++) await mailer.send(message());
  process.exit(0);
}

const root = resolve(args[0] ?? '.');
const directory = mkdtempSync(join(tmpdir(), 'engine-instructions-'));

/** Inclusive instruction counts of the run with `sends` sends: total, GC pauses, incremental marking, optimizing compiler. */
function count(sends) {
  const out = join(directory, `callgrind.${sends}`);
  execFileSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--single-threaded',
      fileURLToPath(import.meta.url),
      '--child',
      root,
      String(sends),
      ...(noSuppression ? ['--no-suppression'] : []),
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const inclusive = (name) => {
    const line = annotated.split('\n').find((entry) => entry.includes(name));
    return line ? Number(line.trim().split(/\s+/)[0].replaceAll(',', '')) : 0;
  };
  // The line `12,345,678 (100.0%)  PROGRAM TOTALS`: read by its first field, as `inclusive` does (a
  // regular expression over the whole report backtracked quadratically on a line of commas).
  const total = inclusive('PROGRAM TOTALS');
  return {
    total,
    gc: inclusive('v8::internal::Heap::CollectGarbage('),
    marking: inclusive('v8::internal::IncrementalMarking::Step('),
    compile: inclusive('v8::internal::Runtime_CompileOptimized('),
  };
}

const [first, second] = [count(SENDS), count(2 * SENDS)];
rmSync(directory, { recursive: true, force: true });
const per = (key) => Math.round((second[key] - first[key]) / SENDS);
const result = {
  checkout: root,
  suppression: !noSuppression,
  instructionsPerSend: {
    total: per('total'),
    withoutGcAndCompiler: per('total') - per('gc') - per('marking') - per('compile'),
    gcPauses: per('gc'),
    incrementalMarking: per('marking'),
    optimizingCompiler: per('compile'),
  },
};
console.log(JSON.stringify(result));
