/**
 * `mailover suppressions …` against the real PostgreSQL (a schema of this run's own, dropped at
 * the end): what one command writes, a mailer on the same database honours; the list pages and
 * exports in full; a bad or missing store is a usage error (exit 2) that never shows a password.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer } from '@mailover/core';
import { mockProvider } from '@mailover/core/testing';
import { postgresStore } from '@mailover/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemas, findDatabase, uniqueSchema } from '../../postgres/test/database.js';
import { main } from '../src/index.js';

const target = await findDatabase();
if ('skip' in target) console.warn(`mailover suppressions CLI on PostgreSQL skipped: ${target.skip}`);
const url = 'skip' in target ? '' : target.connectionString;
const schema = uniqueSchema('cli_suppressions');

async function command(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['suppressions', ...argv], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const run = (...argv: string[]) => command([...argv, '--store', url, '--schema', schema]);

beforeAll(async () => {
  if ('skip' in target) return;
  // The schema a mailer created; the command works on it and never creates one.
  const store = postgresStore({ connectionString: url }, { schema });
  await store.get('warm');
  await store.close();
});
afterAll(async () => {
  if (!('skip' in target)) await dropSchemas(url, schema);
});

describe.skipIf('skip' in target)('mailover suppressions on PostgreSQL', () => {
  it('add, has, remove: a mailer on the same database stops mail to the address, then sends it again', async () => {
    expect(await run('add', 'Ada@Bücher.example', '--reason', 'complaint')).toMatchObject({
      code: 0,
      out: 'added ada@xn--bcher-kva.example (complaint, scope *)',
    });
    expect((await run('has', 'ada@xn--bcher-kva.example')).out).toMatch(
      /^suppressed: complaint \(scope \*\)/,
    );
    const provider = mockProvider();
    const mailer = createMailer({
      providers: [provider],
      store: postgresStore({ connectionString: url }, { schema }),
    });
    const message = { from: 'app@example.com', to: 'ada@bücher.example', subject: 'Hi', text: 'Hi' };
    await expect(mailer.send(message)).rejects.toMatchObject({ code: 'recipient_suppressed' });
    expect(provider.calls).toHaveLength(0);
    expect(await run('remove', 'ada@bücher.example')).toMatchObject({ code: 0 });
    expect(await run('has', 'ada@xn--bcher-kva.example')).toMatchObject({ code: 1, out: 'not suppressed' });
    await mailer.send(message);
    expect(provider.calls).toHaveLength(1);
    await mailer.close();
  });

  it('imports a CSV file and pages through it with the printed cursor; export gives it back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mailover-cli-pg-'));
    const file = join(directory, 'list.csv');
    const lines = ['address,reason,scope'];
    for (let index = 0; index < 250; index++) lines.push(`p${index}@example.com,unsubscribe,news`);
    await writeFile(file, lines.join('\n'));
    expect(await run('import', file)).toMatchObject({ code: 0, out: 'imported 250' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await run(
        'list',
        '--scope',
        'news',
        '--limit',
        '100',
        ...(cursor ? ['--cursor', cursor] : []),
        '--json',
      );
      const parsed = JSON.parse(page.out) as { entries: { address: string }[]; next?: string };
      seen.push(...parsed.entries.map((entry) => entry.address));
      cursor = parsed.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(seen[0]).toBe('p0@example.com');
    const exported = await run('export', '--scope', 'news', '--format', 'csv');
    expect(exported.out.split('\n')).toHaveLength(251);
    for (let index = 0; index < 50; index++) await run('remove', `p${index}@example.com`, '--scope', 'news');
    const compacted = await run('compact', '--json');
    expect(compacted.code).toBe(0);
    // 50 removed here, and the address the first test added and removed.
    expect(JSON.parse(compacted.out)).toEqual({ kept: 200, dropped: 51, generation: 1 });
    expect((await run('export', '--scope', 'news', '--format', 'json')).out).toContain('"p50@example.com"');
  }, 60_000);

  it('a schema that does not exist is an error naming it, and is not created', async () => {
    const missing = `${schema}_typo`;
    const answer = await command(['list', '--store', url, '--schema', missing]);
    expect(answer.code).toBe(2);
    expect(answer.err).toMatch(new RegExp(`schema "${missing}" does not exist`));
    const probe = postgresStore({ connectionString: url }, { schema: missing, createSchema: false });
    await expect(probe.get('anything')).rejects.toThrow(/does not exist/);
    await probe.close();
  });
});

describe('mailover suppressions: the store URL', () => {
  const secret = 'hunter2-Pa55';
  const saved = process.env.MAILOVER_STORE_URL;
  afterAll(() => {
    if (saved === undefined) delete process.env.MAILOVER_STORE_URL;
    else process.env.MAILOVER_STORE_URL = saved;
  });

  it.each([
    [
      'no --store and no MAILOVER_STORE_URL',
      [],
      /give the store with --store redis:\/\/.* --store postgres:\/\//,
    ],
    ['not a URL', ['--store', `user:${secret}@127.0.0.1/db`], /--store is not a URL/],
    ['a URL that does not parse', ['--store', `postgres://u:${secret}@[::1/db`], /--store is not a URL/],
    [
      'a scheme no store speaks',
      ['--store', `mysql://u:${secret}@127.0.0.1/db`],
      /a mysql:\/\/ URL is not a store/,
    ],
    [
      '--prefix with PostgreSQL',
      ['--store', `postgres://u:${secret}@127.0.0.1/db`, '--prefix', 'x:'],
      /--prefix is for a Redis store/,
    ],
    [
      '--schema with Redis',
      ['--store', `redis://:${secret}@127.0.0.1:6379`, '--schema', 'x'],
      /--schema is for a PostgreSQL store/,
    ],
    [
      'a schema that is not an identifier',
      ['--store', `postgres://u:${secret}@127.0.0.1/db`, '--schema', 'a;b'],
      /--schema: .*not a plain identifier/,
    ],
  ])('%s: exit 2 with the usage, no password', async (_, flags, problem) => {
    delete process.env.MAILOVER_STORE_URL;
    const answer = await command(['list', ...(flags as string[])]);
    expect(answer.code).toBe(2);
    expect(answer.err).toMatch(problem as RegExp);
    expect(answer.err).toContain('Usage: mailover suppressions');
    expect(answer.err).not.toContain(secret);
  });

  it('a PostgreSQL that does not answer: exit 2, naming the server but not its password', async () => {
    const answer = await command(['list', '--store', `postgres://mailover:${secret}@127.0.0.1:1/db`]);
    expect(answer.code).toBe(2);
    expect(answer.err).toMatch(
      /PostgreSQL at postgres:\/\/mailover:\*\*\*@127\.0\.0\.1:1\/db is unavailable/,
    );
    expect(answer.err).not.toContain(secret);
  });
});
