/**
 * The BullMQ queue's depth in one Redis round trip (a Lua script), for the queue gauges of
 * docs/observability.md: jobs due now (waiting, prioritized, and delayed ones already due), jobs
 * scheduled for later, running jobs, and when the longest-waiting due job became due.
 *
 * Cheap whatever the backlog: counts are ZCARD/LLEN/ZCOUNT, and the oldest due job is found among
 * at most 103 candidates: the first job of each of BullMQ's 101 priority levels (a level is ordered
 * by insertion, so its first job is the one waiting longest), the oldest plain waiting job, and the
 * earliest delayed job already due. A job's due time is its `mailoverDueAt` field (written when the
 * worker moves it to a retry), else its `timestamp + delay` (BullMQ's own, set when it was added).
 */
import type { QueueStats } from '@mailover/core';
import type { Redis } from 'ioredis';

/** KEYS: wait, prioritized, delayed, active. ARGV: now (ms), the job key prefix. */
const SCRIPT = `
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local dueScore = (now + 1) * 4096 - 1
local waiting = redis.call('LLEN', KEYS[1])
local prioritized = redis.call('ZCARD', KEYS[2])
local delayed = redis.call('ZCARD', KEYS[3])
local delayedDue = redis.call('ZCOUNT', KEYS[3], 0, dueScore)
local active = redis.call('LLEN', KEYS[4])
local oldest = -1
local function consider(at)
  if at and (oldest < 0 or at < oldest) then oldest = at end
end
local function dueOf(id)
  local fields = redis.call('HMGET', prefix .. id, 'mailoverDueAt', 'timestamp', 'delay')
  if fields[1] then return tonumber(fields[1]) end
  if fields[2] then return tonumber(fields[2]) + (tonumber(fields[3]) or 0) end
  return nil
end
local first = redis.call('ZRANGEBYSCORE', KEYS[3], 0, dueScore, 'WITHSCORES', 'LIMIT', 0, 1)
if first[2] then consider(math.floor(tonumber(first[2]) / 4096)) end
local tail = redis.call('LINDEX', KEYS[1], -1)
if tail then consider(dueOf(tail)) end
if prioritized > 0 then
  for level = 0, 101 do
    local head = redis.call('ZRANGEBYSCORE', KEYS[2], level * 4294967296, (level + 1) * 4294967296 - 1, 'LIMIT', 0, 1)
    if head[1] then consider(dueOf(head[1])) end
  end
end
return { waiting + prioritized + delayedDue, delayed - delayedDue, active, oldest }
`;

export interface BullKeys {
  readonly wait: string;
  readonly prioritized: string;
  readonly delayed: string;
  readonly active: string;
  /** The prefix of a job's hash key: `<prefix>:<queue>:`. */
  readonly job: string;
}

export async function bullQueueStats(client: Redis, keys: BullKeys, now: number): Promise<QueueStats> {
  const [queued, scheduled, sending, oldest] = (await client.eval(
    SCRIPT,
    4,
    keys.wait,
    keys.prioritized,
    keys.delayed,
    keys.active,
    String(now),
    keys.job,
  )) as [number, number, number, number];
  return {
    queued,
    scheduled,
    sending,
    ...(queued > 0 && oldest >= 0 ? { oldestDueAt: Math.min(oldest, now) } : {}),
  };
}

/** The job hash field a retry's due time is kept in (read by the script above). */
export const DUE_AT_FIELD = 'mailoverDueAt';
