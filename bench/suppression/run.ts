/**
 * The suppression list's costs (docs/suppression.md, "Costs"):
 *
 * 1. CPU of the check per send: `mailer.send()` through an in-process provider (`mockProvider`, no
 *    HTTP, so the engine's own CPU is all there is to see) with the list on (10 000 addresses
 *    suppressed, none of them the recipient) against `suppression: false`, in alternating blocks.
 *    The check's share of a real send is this difference over the SDK's CPU per send in
 *    `bench/results/overhead.json`.
 * 2. Memory per suppressed address: in the memory store, heap growth over 50 000 added addresses;
 *    in Redis (when one answers at 127.0.0.1:6379 or REDIS_URL), `MEMORY USAGE` of the entry keys
 *    and of the index list, under a unique prefix deleted afterwards; in PostgreSQL (when one
 *    answers at TEST_DATABASE_URL or 127.0.0.1:5432/test), the growth of `pg_total_relation_size`
 *    (table, TOAST and indexes) of the store's tables over 100 000 adds, after VACUUM and after
 *    VACUUM FULL, in a schema of its own dropped afterwards.
 *
 * Needs `--expose-gc`. `BENCH_QUICK=1` for a short run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createMailer, memoryStore, suppressionsIn } from '@mailover/core';
import { mockProvider } from '@mailover/core/testing';
import { postgresStore } from '@mailover/postgres';
import { redisStore } from '@mailover/redis';
import pg from 'pg';
import { benchMessage } from '../overhead/fixtures.js';
import {
  bootstrapMedianInterval,
  cpuMicros,
  median,
  RESULTS_DIRECTORY,
  round,
  writeResults,
} from '../overhead/results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 40 : 300;
const BLOCK = 50;
const LISTED = 10_000;
const MEMORY_ADDRESSES = QUICK ? 10_000 : 50_000;
const PG_ADDRESSES = QUICK ? 10_000 : 100_000;

if (!global.gc) throw new Error('run with node --expose-gc');
const collect = global.gc;

async function checkCost() {
  const make = (suppression: false | undefined) => {
    const provider = mockProvider({ script: () => ({ ok: true }) });
    const mailer = createMailer({ providers: [provider], ...(suppression === false ? { suppression } : {}) });
    return { provider, mailer };
  };
  const on = make(undefined);
  const off = make(false);
  await on.mailer.suppressions.import(
    [
      'address,reason',
      ...Array.from({ length: LISTED }, (_, index) => `gone${index}@example.org,hard_bounce`),
    ].join('\n'),
    'csv',
  );
  const block = async (side: typeof on) => {
    const start = cpuMicros();
    for (let index = 0; index < BLOCK; index++) await side.mailer.send(benchMessage());
    (side.provider.calls as unknown[]).length = 0;
    return (cpuMicros() - start) / BLOCK;
  };
  for (let warm = 0; warm < 40; warm++) {
    await block(on);
    await block(off);
  }
  const samples = { on: [] as number[], off: [] as number[] };
  for (let index = 0; index < ROUNDS; index++) {
    if (index % 2 === 0) {
      samples.on.push(await block(on));
      samples.off.push(await block(off));
    } else {
      samples.off.push(await block(off));
      samples.on.push(await block(on));
    }
  }
  await on.mailer.close();
  await off.mailer.close();
  const differences = samples.on.map((value, index) => value - samples.off[index]!);
  const [low, high] = bootstrapMedianInterval(differences);
  const overhead = existsSync(`${RESULTS_DIRECTORY}overhead.json`)
    ? (JSON.parse(readFileSync(`${RESULTS_DIRECTORY}overhead.json`, 'utf8')) as {
        rows: { provider: string; microsPerMessage: { sdk: number } }[];
      })
    : undefined;
  const checkMicros = median(differences);
  return {
    suppressedAddresses: LISTED,
    microsPerSend: { on: round(median(samples.on), 2), off: round(median(samples.off), 2) },
    checkMicrosPerSend: round(checkMicros, 2),
    checkMicrosInterval95: [round(low, 2), round(high, 2)],
    // What the check adds to the overhead ratio, against each SDK's own CPU per send.
    ratioAddedPerProvider: Object.fromEntries(
      (overhead?.rows ?? []).map((row) => [row.provider, round(checkMicros / row.microsPerMessage.sdk, 4)]),
    ),
  };
}

async function memoryStoreBytes() {
  const store = memoryStore({ maxEntries: 1_000 });
  const list = suppressionsIn(store);
  await list.add({ address: 'warm@example.org', reason: 'hard_bounce' });
  collect();
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < MEMORY_ADDRESSES; index++) {
    await list.add({
      address: `someone.${index}@example-${index % 97}.org`,
      reason: 'hard_bounce',
      provider: 'sendgrid',
    });
  }
  collect();
  collect();
  const perAddress = (process.memoryUsage().heapUsed - before) / MEMORY_ADDRESSES;
  if ((await list.list({ limit: 1 })).entries.length !== 1) throw new Error('the list is empty');
  return round(perAddress, 0);
}

function redisCli(url: string, ...args: string[]): string {
  const answer = spawnSync('redis-cli', ['-u', url, ...args], { encoding: 'utf8' });
  if (answer.status !== 0) throw new Error(`redis-cli ${args[0]}: ${answer.stderr}`);
  return answer.stdout.trim();
}

async function redisBytes(): Promise<{ bytesPerAddress: number } | { skipped: string }> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (spawnSync('redis-cli', ['-u', url, 'PING'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG') {
    return { skipped: `no Redis answers at ${url} (or redis-cli is not installed)` };
  }
  const prefix = `bench-suppression-${process.pid}-${Date.now()}:`;
  const store = redisStore({ url }, { prefix });
  const list = suppressionsIn(store);
  const count = QUICK ? 2_000 : 10_000;
  const addresses = Array.from({ length: count }, (_, index) => `someone.${index}@example-${index % 97}.org`);
  try {
    for (const address of addresses) await list.add({ address, reason: 'hard_bounce', provider: 'sendgrid' });
    let entries = 0;
    const sample = addresses.filter((_, index) => index % 20 === 0);
    for (const address of sample)
      entries += Number(redisCli(url, 'MEMORY', 'USAGE', `${prefix}suppress:*:${address}`, 'SAMPLES', '0'));
    const index = Number(redisCli(url, 'MEMORY', 'USAGE', `${prefix}suppress-index`, 'SAMPLES', '0'));
    return { bytesPerAddress: round(entries / sample.length + index / count, 0) };
  } finally {
    for (const address of addresses) await store.delete(`suppress:*:${address}`);
    await store.delete('suppress-index');
    await store.close();
  }
}

/** The bytes the store's tables (with TOAST and indexes) take in `schema`. */
async function tableBytes(client: pg.Client, schema: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname IN ('kv', 'list_items')`,
    [schema],
  );
  return Number(rows[0]!.bytes);
}

async function postgresBytes(): Promise<
  | { addresses: number; bytesPerAddress: { afterVacuum: number; afterVacuumFull: number } }
  | { skipped: string }
> {
  const connectionString = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
  } catch (error) {
    return { skipped: `no PostgreSQL answers at ${connectionString} (${String(error)})` };
  }
  const schema = `bench_suppression_${process.pid}`;
  const store = postgresStore({ connectionString }, { schema });
  const list = suppressionsIn(store);
  try {
    await store.get('warm'); // creates the schema
    const vacuum = async (full: boolean) => {
      for (const table of ['kv', 'list_items'])
        await client.query(`VACUUM ${full ? 'FULL ' : ''}"${schema}".${table}`);
    };
    await vacuum(true);
    const before = await tableBytes(client, schema);
    // Ten adds at a time (the pool's size): the order of the index does not change its size.
    for (let start = 0; start < PG_ADDRESSES; start += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, offset) =>
          list.add({
            address: `someone.${start + offset}@example-${(start + offset) % 97}.org`,
            reason: 'hard_bounce',
            provider: 'sendgrid',
          }),
        ),
      );
    }
    await vacuum(false);
    const afterVacuum = await tableBytes(client, schema);
    await vacuum(true);
    const afterVacuumFull = await tableBytes(client, schema);
    return {
      addresses: PG_ADDRESSES,
      bytesPerAddress: {
        afterVacuum: round((afterVacuum - before) / PG_ADDRESSES, 0),
        afterVacuumFull: round((afterVacuumFull - before) / PG_ADDRESSES, 0),
      },
    };
  } finally {
    await store.close();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

const check = await checkCost();
console.log(JSON.stringify(check));
const memory = {
  memoryStore: { bytesPerAddress: await memoryStoreBytes() },
  redis: await redisBytes(),
  postgres: await postgresBytes(),
};
console.log(JSON.stringify(memory));
const path = writeResults('suppression', {
  method:
    `check: process.cpuUsage() per mailer.send() through mockProvider, list on (${LISTED} suppressed, recipient not among them) vs suppression: false, ` +
    `${ROUNDS} rounds of ${BLOCK} sends per side in alternating order, median of per-round differences with a 95 % bootstrap interval; ` +
    'ratioAddedPerProvider = that difference / the SDK CPU per send of bench/results/overhead.json. ' +
    `memory: heap growth (after GC) over ${MEMORY_ADDRESSES} adds in memoryStore; Redis MEMORY USAGE of every 20th entry key plus the index list's share; ` +
    `PostgreSQL: growth of pg_total_relation_size (table + TOAST + indexes) of kv and list_items over ${PG_ADDRESSES} adds, after VACUUM and after VACUUM FULL.`,
  check,
  memory,
});
console.log(`wrote ${path}`);
