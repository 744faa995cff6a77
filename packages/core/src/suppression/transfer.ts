/**
 * The list as CSV or JSON, and back: the columns `address,reason,scope,since,expires_at,provider,event`
 * (times in ISO 8601), or a JSON array of the same entries (times in epoch ms or ISO 8601).
 * docs/suppression.md, "Import and export".
 */
import { MailoverError } from '../errors.js';
import type { Suppression, SuppressionInput, SuppressionReason } from './types.js';

export const CSV_COLUMNS = [
  'address',
  'reason',
  'scope',
  'since',
  'expires_at',
  'provider',
  'event',
] as const;

/** One CSV line per entry, with the header first. */
export function toCsvLine(entry: Suppression): string {
  const iso = (time: number | undefined) => (time === undefined ? '' : new Date(time).toISOString());
  return [
    entry.address,
    entry.reason,
    entry.scope,
    iso(entry.since),
    iso(entry.expiresAt),
    entry.provider ?? '',
    entry.event ?? '',
  ]
    .map(csvField)
    .join(',');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character !== '"') field += character;
      else if (text[index + 1] === '"') {
        field += '"';
        index++;
      } else quoted = false;
    } else if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += character;
  }
  row.push(field);
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}

/** Entries from CSV with a header line naming at least `address`; each with its line number. */
export function fromCsv(text: string): ImportRow[] {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const columns = header.map((name) => name.trim().toLowerCase());
  if (!columns.includes('address')) {
    throw new MailoverError(
      `suppressions import: the CSV header has no "address" column (found: ${columns.join(', ')}); expected ${CSV_COLUMNS.join(',')}`,
    );
  }
  return rows.map((row, index) => {
    const value = (name: string) => {
      const at = columns.indexOf(name);
      const found = at === -1 ? undefined : row[at]?.trim();
      return found === '' ? undefined : found;
    };
    return rowOf(index + 2, value);
  });
}

/** Entries from a JSON array (what `export('json')` writes). */
export function fromJson(text: string): ImportRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MailoverError(`suppressions import: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed))
    throw new MailoverError('suppressions import: the JSON must be an array of entries');
  return parsed.map((item, index) => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const value = (name: string) => {
      const found = record[name === 'expires_at' ? 'expiresAt' : name];
      return found === undefined || found === null ? undefined : String(found);
    };
    return rowOf(index + 1, value);
  });
}

/** One entry read from an import, or why its line could not be read. */
export type ImportRow = { line: number; input: SuppressionInput } | { line: number; problem: string };

function rowOf(line: number, value: (name: string) => string | undefined): ImportRow {
  try {
    return { line, input: inputOf(value) };
  } catch (error) {
    return { line, problem: (error as Error).message };
  }
}

function inputOf(value: (name: string) => string | undefined): SuppressionInput {
  const since = timeOf(value('since'), 'since');
  const expiresAt = timeOf(value('expires_at'), 'expires_at');
  return {
    address: value('address') ?? '',
    ...(value('reason') ? { reason: value('reason') as SuppressionReason } : {}),
    ...(value('scope') ? { scope: value('scope')! } : {}),
    ...(since === undefined ? {} : { since }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(value('provider') ? { provider: value('provider')! } : {}),
    ...(value('event') ? { event: value('event')! } : {}),
  };
}

function timeOf(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time))
    throw new MailoverError(`${field} ${JSON.stringify(text)} is not a time (ISO 8601 or epoch ms)`);
  return time;
}
