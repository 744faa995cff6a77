/** Build the dist of core, the five SDK adapters, the sandbox and otel: what users run, and what some benchmarks measure. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function buildDist(label: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [ROOT] });
  for (const name of ['core', 'sendgrid', 'ses', 'mailgun', 'postmark', 'resend', 'sandbox', 'otel']) {
    try {
      execFileSync(process.execPath, [tsc, '-p', `packages/${name}/tsconfig.build.json`], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    } catch {
      // tsc still emits on type errors elsewhere in the tree; measure what it built, and say so.
      console.warn(`${label}: tsc reported errors building ${name}; measuring the emitted dist anyway`);
    }
  }
}
