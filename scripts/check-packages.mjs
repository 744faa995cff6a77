#!/usr/bin/env node
// Checks what npm would publish, the way a consumer outside this monorepo sees it:
//   1. builds every package (`pnpm -r build`),
//   2. packs each one with pnpm (so `workspace:*` becomes a real version, as on publish),
//   3. lints each tarball with publint (warnings count as errors),
//   4. runs attw's checker on each tarball with the esm-only profile (these packages ship no CommonJS),
//   5. checks that every package a shipped file imports is a declared dependency,
//   6. installs the tarballs into a scratch consumer, imports every entry point with plain Node
//      (no `mailover-source` condition), runs each bin with `--help`, and typechecks an import of
//      each entry under `node16` and `bundler`.
// The checks run offline: attw reads the local tarball (no registry, no @types lookup); only the
// build and pack steps start pnpm.
//
// Usage: node scripts/check-packages.mjs [--no-build] [--no-consumer] [package-dir …]
// Exits non-zero when any check fails; the last line says how many packages passed.
import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { problemKindInfo } from '@arethetypeswrong/core/problems';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
// Under `pnpm test` the pnpm that launched us is on PATH; use it rather than asking npx, which
// looks the version up on the registry first (and waits minutes for it when offline).
const pnpmOnPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const [pnpmCommand, ...pnpmArgs] =
  pnpmOnPath.status === 0 && pnpmOnPath.stdout.startsWith('10.') ? ['pnpm'] : ['npx', '-y', 'pnpm@10'];
// attw's esm-only profile: these packages are ESM only, so CommonJS and node10 are not targets.
const ignoredResolutions = ['node10', 'node16-cjs'];

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const consumer = !args.includes('--no-consumer');
const explicitDirs = args.filter((arg) => !arg.startsWith('--')).map((dir) => resolve(dir));
const packageDirs = explicitDirs.length > 0 ? explicitDirs : workspacePackages();

/** Publishable workspace packages: every `packages/*` whose package.json is not private. */
function workspacePackages() {
  const base = join(root, 'packages');
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => !readJson(join(dir, 'package.json')).private)
    .sort();
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Runs a command; resolves to its output, or to the failure with the output attached. */
async function capture(command, commandArgs, options = {}) {
  try {
    const { stdout, stderr } = await run(command, commandArgs, { maxBuffer: 64 * 1024 * 1024, ...options });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error.message) };
  }
}

/** Runs `task` over `items` with at most `width` at once (two cores: keep it small). */
async function eachLimited(items, width, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

const started = Date.now();
const stage = (name) => console.log(`› ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
const scratch = mkdtempSync(join(tmpdir(), 'mailover-packages-'));
const failures = [];
const fail = (name, check, detail) => failures.push({ name, check, detail: detail.trim() });

try {
  if (build) {
    stage('build');
    const filters = packageDirs.flatMap((dir) => ['--filter', `./${relative(root, dir)}`]);
    const built = await capture(pnpmCommand, [...pnpmArgs, '-r', ...filters, 'build'], { cwd: root });
    if (!built.ok) {
      console.error(built.output);
      throw new Error('build failed');
    }
  }

  stage('pack');
  // One recursive pack: pnpm rewrites `workspace:*` to the real version, exactly as on publish.
  const packs = join(scratch, 'packs');
  mkdirSync(packs);
  const inWorkspace = (dir) => dirname(dir) === join(root, 'packages');
  const filters = packageDirs.filter(inWorkspace).flatMap((dir) => ['--filter', `./${relative(root, dir)}`]);
  const packArgs = ['pack', '--pack-destination', packs];
  if (filters.length > 0) {
    const packed = await capture(pnpmCommand, [...pnpmArgs, '-r', ...filters, ...packArgs], { cwd: root });
    if (!packed.ok) throw new Error(`pack failed\n${packed.output}`);
  }
  // A directory outside the workspace (a test fixture) is packed on its own.
  for (const dir of packageDirs.filter((dir) => !inWorkspace(dir))) {
    const packed = await capture(pnpmCommand, [...pnpmArgs, ...packArgs], { cwd: dir });
    if (!packed.ok) fail(readJson(join(dir, 'package.json')).name, 'pack', packed.output);
  }
  const tarballs = [];
  for (const dir of packageDirs) {
    const { name, version } = readJson(join(dir, 'package.json'));
    const tarball = join(packs, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
    if (existsSync(tarball)) tarballs.push({ dir, name, tarball });
    else fail(name, 'pack', `no tarball at ${tarball}`);
  }

  stage('publint');
  for (const { name, tarball } of tarballs) {
    const bytes = readFileSync(tarball);
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball: data }, level: 'suggestion', strict: true });
    const lines = messages.map(
      (message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`,
    );
    if (messages.some((message) => message.type !== 'suggestion')) fail(name, 'publint', lines.join('\n'));
    else for (const line of lines) console.log(`  ${name} ${line}`);
  }

  stage('attw (esm-only)');
  // attw's own checker, in this process (one TypeScript load, not one per package); the same rules
  // as `attw --pack --profile esm-only`: CommonJS and node10 resolutions are out of scope.
  for (const { name, tarball } of tarballs) {
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball))));
    if (!analysis.types) {
      fail(name, 'attw', 'the package ships no type declarations');
      continue;
    }
    const problems = analysis.problems.filter(
      (problem) => !('resolutionKind' in problem) || !ignoredResolutions.includes(problem.resolutionKind),
    );
    const describe = (problem) =>
      `${problem.kind} (${problem.resolutionKind ?? 'any'}${problem.entrypoint ? ` ${problem.entrypoint}` : ''}): ${problemKindInfo[problem.kind].description}`;
    if (problems.length > 0) fail(name, 'attw', problems.map(describe).join('\n'));
  }

  stage('dependencies');
  for (const tarball of tarballs) await checkDependencies(tarball);

  if (consumer && tarballs.length > 0) await checkConsumer(tarballs);
} catch (error) {
  fail('(all)', 'setup', error instanceof Error ? error.message : String(error));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * Every package a shipped file imports (statically or with `import()`, in JS or declarations) must
 * be a dependency or peer dependency: a dynamic import of an undeclared SDK passes every other
 * check and fails only for the user, at the first send.
 */
async function checkDependencies({ name, tarball }) {
  const unpacked = join(scratch, 'unpacked', name);
  mkdirSync(unpacked, { recursive: true });
  const untar = await capture('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  if (!untar.ok) return fail(name, 'dependencies', untar.output);
  const manifest = readJson(join(unpacked, 'package.json'));
  const declared = new Set([
    name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const missing = new Map();
  const files = readdirSync(join(unpacked, 'dist'), { recursive: true }).map(String);
  for (const file of files.filter((path) => /\.(js|d\.ts)$/.test(path))) {
    const text = readFileSync(join(unpacked, 'dist', file), 'utf8');
    const pattern = /(?:(?:^|[\s}*])from\s*|\bimport\s*\(\s*|^import\s+)['"]([@\w][\w./@-]*)['"]/gm;
    for (const [, specifier] of text.matchAll(pattern)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      const packageName = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!declared.has(packageName) && !declared.has(`@types/${packageName}`)) {
        missing.set(packageName, `dist/${file}`);
      }
    }
  }
  if (missing.size > 0) {
    const lines = [...missing].map(
      ([dependency, file]) => `${dependency} (imported by ${file}) is not a dependency`,
    );
    fail(name, 'dependencies', lines.join('\n'));
  }
}

/**
 * Installs the tarballs into a scratch project the way npm would lay them out (each package's
 * own dependencies linked from the workspace's store), then imports and typechecks every entry.
 * This is what catches a declaration that needs a dev-only `@types` package, or an entry that only
 * works under the `mailover-source` condition.
 */
async function checkConsumer(tarballs) {
  stage('consumer (plain Node import; tsc node16 + bundler)');
  const project = join(scratch, 'consumer');
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  const link = (name, target) => {
    const path = join(modules, name);
    if (existsSync(path)) return;
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path, 'dir');
  };
  link('@types/node', realpathSync(join(root, 'node_modules', '@types', 'node')));

  const entries = [];
  const binaries = [];
  for (const { dir, name, tarball } of tarballs) {
    const target = join(modules, name);
    mkdirSync(target, { recursive: true });
    const untar = await capture('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    if (!untar.ok) fail(name, 'consumer', untar.output);
    const manifest = readJson(join(target, 'package.json'));
    // Peer dependencies too: the consumer installs them itself (@mailover/otel's @opentelemetry/api).
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (tarballs.some((other) => other.name === dependency)) continue;
      const installed = join(dir, 'node_modules', dependency);
      if (existsSync(installed)) link(dependency, realpathSync(installed));
      else fail(name, 'consumer', `dependency ${dependency} is not installed in ${relative(root, dir)}`);
    }
    // Each command must start from the packed files alone (bins import `dist/`, never `src/`).
    const bins = typeof manifest.bin === 'string' ? { [name]: manifest.bin } : (manifest.bin ?? {});
    for (const [command, path] of Object.entries(bins))
      binaries.push({ name, command, path: join(target, path) });
    for (const subpath of Object.keys(manifest.exports ?? { '.': {} })) {
      if (subpath.endsWith('.json')) continue;
      entries.push({ name, specifier: subpath === '.' ? name : `${name}${subpath.slice(1)}` });
    }
  }

  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
  const imports = entries.map(({ specifier }, index) => `import * as entry${index} from '${specifier}';`);
  const uses = entries.map((_, index) => `entry${index}`).join(', ');
  writeFileSync(join(project, 'index.ts'), `${imports.join('\n')}\nexport const entries = [${uses}];\n`);
  const runtime = entries.map(({ specifier }) => `await import('${specifier}');`).join('\n');
  writeFileSync(join(project, 'runtime.mjs'), runtime);

  const imported = await capture(process.execPath, ['runtime.mjs'], { cwd: project });
  if (!imported.ok) fail('(consumer)', 'import with plain Node', imported.output);
  for (const { name, command, path } of binaries) {
    const started = await capture(process.execPath, [path, '--help'], { cwd: project, timeout: 20_000 });
    if (!started.ok) fail(name, `bin ${command} --help`, started.output);
  }

  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
    target: 'ES2022',
    lib: ['ES2023'],
  };
  const resolutions = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    bundler: { module: 'preserve', moduleResolution: 'bundler' },
  };
  await eachLimited(Object.entries(resolutions), 2, async ([resolution, options]) => {
    const config = join(project, `tsconfig.${resolution}.json`);
    const tsconfig = { compilerOptions: { ...compilerOptions, ...options }, files: ['index.ts'] };
    writeFileSync(config, JSON.stringify(tsconfig));
    const checked = await capture(bin('tsc'), ['-p', config], { cwd: project });
    // Errors inside a provider SDK's own declarations (mailgun.js and postmark name DOM types)
    // are that SDK's to fix and show up whether or not mailover is installed; ours must be clean.
    const lines = checked.output.split('\n').filter((line) => line.trim() !== '');
    const theirs = (line) => /^\.\.[/\\]/.test(line) || /^\s/.test(line);
    const ours = lines.filter((line) => !theirs(line));
    if (!checked.ok && ours.length > 0) fail('(consumer)', `tsc ${resolution}`, checked.output);
    else if (lines.length > 0)
      console.log(`  tsc ${resolution}: ${lines.length} line(s) from third-party declarations only`);
  });
}

for (const { name, check, detail } of failures) {
  console.error(`\n✗ ${name} — ${check}\n${detail}`);
}
const failedNames = new Set(failures.map(({ name }) => name));
const passed = packageDirs.length - packageDirs.filter((dir) => failedNames.has(packageName(dir))).length;
stage('done');
// A consumer or setup failure belongs to no one package: say so rather than count it against one.
const shared = failures.filter(({ name }) => name.startsWith('(')).length;
console.log(
  `\npackages: ${passed} of ${packageDirs.length} pass${shared > 0 ? `; ${shared} shared check(s) failed` : ''}`,
);
process.exit(failures.length === 0 ? 0 : 1);

function packageName(dir) {
  try {
    return readJson(join(dir, 'package.json')).name;
  } catch {
    return dir;
  }
}
