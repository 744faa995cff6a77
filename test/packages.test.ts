import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What npm would publish, checked the way a consumer sees it: every package builds, packs, passes
// publint and attw (esm-only), and imports and typechecks outside the monorepo.
const root = resolve(import.meta.dirname, '..');
const script = join(root, 'scripts', 'check-packages.mjs');

function checkPackages(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (status) => done({ status, output }));
  });
}

describe('published packages', () => {
  it('build, pack, pass publint and attw, and work for a consumer outside the monorepo', async () => {
    // The test command's later runs (other Node versions) reuse the first run's build.
    const { status, output } = await checkPackages(
      Number(process.env.MAILOVER_TEST_RUN) > 0 ? ['--no-build'] : [],
    );
    expect(output, output).toMatch(/packages: (\d+) of \1 pass\n/);
    expect(status, output).toBe(0);
  }, 300_000);

  it('fails on a package whose types are missing or that imports an undeclared dependency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailover-broken-package-'));
    try {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'index.js'), "export const load = () => import('left-pad');\n");
      const manifest = {
        name: 'broken-package',
        version: '1.0.0',
        type: 'module',
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
        files: ['dist'],
      };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
      const { status, output } = await checkPackages(['--no-build', '--no-consumer', dir]);
      expect(output).toMatch(/✗ broken-package — publint/);
      expect(output).toContain('dist/index.d.ts');
      expect(output).toMatch(/✗ broken-package — dependencies\nleft-pad \(imported by dist\/index\.js\)/);
      expect(status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
