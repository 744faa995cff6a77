/** Writing a benchmark's figures, with the machine they came from, to `bench/results/<name>.json`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { seededRandom } from '@mailover/sandbox';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIRECTORY = fileURLToPath(new URL('../results/', import.meta.url));

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  const model = /model name\s*:\s*(.+)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { cpus: cpus().length, cpuModel: model.trim(), node: process.version, platform: process.platform };
}

export function writeResults(name: string, figures: unknown): string {
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const path = `${RESULTS_DIRECTORY}${name}.json`;
  const document = {
    benchmark: name,
    recordedAt: new Date().toISOString(),
    machine: machine(),
    ...(figures as object),
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A 95 % interval for the median of `values`: the 2.5th and 97.5th percentiles of the medians of
 * `resamples` resamples drawn with replacement (seeded, so a run's figures can be reproduced).
 */
export function bootstrapMedianInterval(values: readonly number[], resamples = 4_000): [number, number] {
  const random = seededRandom(0x9e3779b9);
  const medians: number[] = [];
  for (let index = 0; index < resamples; index++) {
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)]!)));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(resamples * 0.025)]!, medians[Math.floor(resamples * 0.975)]!];
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** CPU time (user + system) of this process, microseconds. */
export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
