/**
 * `mailover suppressions …` against a real Redis (a unique key prefix per run): what one command
 * writes, a mailer on the same store honours, and the list pages and exports in full.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suppressionsIn } from '@mailover/core';
import { redisStore } from '@mailover/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedis, uniqueName } from '../../redis/test/redis-server.js';
import { main } from '../src/index.js';

const target = await findRedis();
if ('skip' in target) console.warn(`mailover suppressions CLI tests skipped: ${target.skip}`);
const url = 'skip' in target ? '' : target.url;
const prefix = `${uniqueName('cli-suppressions')}:`;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['suppressions', ...argv, '--store', url, '--prefix', prefix], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterAll(async () => {
  if ('skip' in target) return;
  // Every key this file wrote: the entries, then the index.
  const store = redisStore({ url }, { prefix });
  const list = suppressionsIn(store);
  for (const entry of JSON.parse(await list.export('json')) as { address: string; scope: string }[]) {
    await list.remove(entry.address, entry.scope);
  }
  await store.delete('suppress-index');
  await store.close();
  await target.stop?.();
});

describe.skipIf('skip' in target)('mailover suppressions on Redis', () => {
  it('add, has, remove: the entry is in the store every mailer reads', async () => {
    expect(await run('add', 'Ada@Bücher.example', '--reason', 'complaint')).toMatchObject({
      code: 0,
      out: 'added ada@xn--bcher-kva.example (complaint, scope *)',
    });
    expect((await run('has', 'ada@xn--bcher-kva.example')).out).toMatch(
      /^suppressed: complaint \(scope \*\)/,
    );
    const store = redisStore({ url }, { prefix });
    expect(await store.get('suppress:*:ada@xn--bcher-kva.example')).toContain('"reason":"complaint"');
    await store.close();
    expect(await run('remove', 'ada@bücher.example')).toMatchObject({ code: 0 });
    expect(await run('has', 'ada@xn--bcher-kva.example')).toMatchObject({ code: 1, out: 'not suppressed' });
  });

  it('imports a CSV file and pages through it with the printed cursor; export gives it back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mailover-cli-'));
    const file = join(directory, 'list.csv');
    const lines = ['address,reason,scope'];
    for (let index = 0; index < 250; index++) lines.push(`u${index}@example.com,unsubscribe,marketing`);
    await writeFile(file, lines.join('\n'));
    expect(await run('import', file)).toMatchObject({ code: 0, out: 'imported 250' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await run(
        'list',
        '--scope',
        'marketing',
        '--limit',
        '100',
        ...(cursor ? ['--cursor', cursor] : []),
        '--json',
      );
      const parsed = JSON.parse(page.out) as { entries: { address: string }[]; next?: string };
      seen.push(...parsed.entries.map((entry) => entry.address));
      cursor = parsed.next;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const exported = await run('export', '--scope', 'marketing', '--format', 'json');
    expect(JSON.parse(exported.out)).toHaveLength(250);
  });

  it('bad usage names what is wrong', async () => {
    expect(await run('add')).toMatchObject({ code: 2, err: expect.stringMatching(/add needs an address/) });
    expect(await run('add', 'not-an-address')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/address "not-an-address"/),
    });
    expect(await run('add', 'a@example.com', '--reason', 'bored')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/reason "bored"/),
    });
    const noStore = await main(['suppressions', 'list', '--store', 'mysql://u:secret@127.0.0.1/test'], {
      out: () => {},
      err: (text) => expect(text).not.toContain('secret'),
    });
    expect(noStore).toBe(2);
  });
});
