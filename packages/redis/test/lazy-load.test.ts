import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url)); // where tsx is installed

// Start-up cost: importing @mailover/redis and building a store and scheduler must not load
// ioredis or BullMQ; the first Redis call does. Checked in a fresh process, whose module cache is clean.
const script = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).filter((path) => /node_modules[\\\\/](ioredis|bullmq)[\\\\/]/.test(path));
const { redis } = await import(${JSON.stringify(entry)});
const { store, scheduler } = redis({ url: 'redis://127.0.0.1:9' });
const afterConstruct = loaded().length;
const error = await store.get('key').then(() => undefined, (caught) => caught);
console.log(JSON.stringify({ afterConstruct, afterFirstCall: loaded().length, error: error?.name }));
await store.close();
await scheduler.close();
`;

describe('loading', () => {
  it('loads neither ioredis nor BullMQ until the first call', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=mailover-source', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 15_000, cwd: repositoryRoot },
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report.afterConstruct).toBe(0);
    expect(report.afterFirstCall).toBeGreaterThan(0);
    expect(report.error).toBe('RedisError');
  });
});
