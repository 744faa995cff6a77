/**
 * How test/security/redos.test.ts decides that a regular expression is safe from ReDoS, with
 * recheck's static analysis (SECURITY.md, "ReDoS"):
 *
 * - An expression is checked as its top-level alternatives, each on its own. Without a quantifier
 *   around them, a backtracking matcher tries the alternatives one after the other at each start
 *   position, so the work on any input is the sum of theirs: safe alternatives make a safe whole.
 *   It is also how the SMTP classifier runs its rules (packages/core/src/smtp/word-index.ts), and
 *   recheck decides a short alternative in a fraction of the time a 30-way alternation takes.
 * - An alternative without a variable repetition (`*`, `+`, `{m,}`, `{m,n}`) matches a bounded
 *   length at each start position: linear in the input whatever it contains; recheck is not asked.
 * - Otherwise recheck's automaton checker looks for a proof, as written and, at the same time,
 *   with each bounded repetition `{m,n}` read as `{m,}`: a backtracking matcher explores no more
 *   paths with the bound than without it, so safe unbounded means safe as written, and the
 *   automaton decides unbounded repetitions far faster than large bounds. Each proof has the whole
 *   time limit, so a busy machine makes a proof slower, never a different verdict. A "vulnerable"
 *   proof as written is final; one with bounds lifted proves nothing (a bound may be what makes
 *   an expression linear).
 * - Only when no proof comes (a lookahead or back-reference the automaton does not support, or an
 *   expression too large for it) does recheck's fuzzing checker decide, as written.
 * - A verdict that is neither safe nor vulnerable (recheck gave up, or hit its time limit) fails.
 *
 * Safe verdicts are cached in node_modules/.cache, keyed by recheck's version and the exact
 * expression: a second run (CI's second Node version, a local rerun) only checks what changed.
 * Nothing else is ever cached, so a failure is always recomputed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Expression {
  readonly source: string;
  readonly flags: string;
  /** Where it was found (`packages/core/src/message/address.ts:63`), for the failure message. */
  readonly where: string;
}

export type Status = 'safe' | 'vulnerable' | 'unknown';

export interface Verdict {
  readonly expression: Expression;
  readonly status: Status;
  /** How it was decided: `linear`, `cache`, `recheck, automaton`, `recheck, automaton, bounds lifted`, `recheck, fuzz`. */
  readonly by: string;
  readonly detail: string;
  readonly milliseconds: number;
}

/** `*`, `+`, `{m,}` or `{m,n}` not escaped. */
const VARIABLE_REPETITION = /(?<!\\)(?:[*+]|\{\d+,\d*\})/;

export function hasVariableRepetition(source: string): boolean {
  return VARIABLE_REPETITION.test(source);
}

/** `{m,n}` read as `{m,}`. */
export function liftBounds(source: string): string {
  return source.replace(/(?<!\\)\{(\d+),\d+\}/g, '{$1,}');
}

/** The top-level alternatives of an expression's source (outside groups and classes). */
export function topLevelAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') {
      index++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth--;
    } else if (char === '|' && depth === 0) {
      parts.push(source.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/**
 * The units to check: every expression's top-level alternatives, deduplicated by source and
 * flags (the first place one was found names it). `g` and `y` change where a match may start,
 * not how one is tried, so they are dropped: the alternative is checked at every start position.
 */
export function alternativesOf(expressions: readonly Expression[]): Expression[] {
  const units = new Map<string, Expression>();
  for (const expression of expressions) {
    const flags = expression.flags.replace(/[gy]/g, '');
    for (const source of topLevelAlternatives(expression.source)) {
      const key = `${flags}/${source}`;
      if (!units.has(key)) units.set(key, { source, flags, where: expression.where });
    }
  }
  return [...units.values()];
}

const require = createRequire(import.meta.url);
const RECHECK_VERSION: string = require('recheck/package.json').version;
const CACHE_FILE = fileURLToPath(new URL('../../node_modules/.cache/mailover-redos.json', import.meta.url));

function cacheKey(expression: Expression): string {
  return createHash('sha256')
    .update(`${RECHECK_VERSION}\0${expression.flags}\0${expression.source}`)
    .digest('hex')
    .slice(0, 32);
}

function readCache(): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as string[]);
  } catch {
    return new Set();
  }
}

function writeCache(safe: ReadonlySet<string>): void {
  try {
    mkdirSync(dirname(CACHE_FILE), { recursive: true });
    writeFileSync(CACHE_FILE, JSON.stringify([...safe].sort()));
  } catch {
    // A read-only checkout only loses the cache, never a verdict.
  }
}

export interface CheckOptions {
  /** recheck's own limit for one attempt, in ms. Running out reads as `unknown`: a failure. */
  readonly timeoutMs: number;
  /** Requests in flight at once (the native backend runs them in parallel). */
  readonly concurrency: number;
  /** Read and write the cache of safe verdicts (default true). */
  readonly cache?: boolean;
}

/** Decides every expression; never throws for a verdict, only for a broken recheck. */
export async function decide(expressions: readonly Expression[], options: CheckOptions): Promise<Verdict[]> {
  const { check } = await import('recheck');
  const useCache = options.cache ?? true;
  const cached = useCache ? readCache() : new Set<string>();
  const verdicts: Verdict[] = new Array(expressions.length);
  const attempt = async (
    source: string,
    flags: string,
    checker: 'automaton' | 'auto',
    timeout: number,
    signal?: AbortSignal,
  ) => {
    const result = await check(source, flags, { checker, timeout, randomSeed: 12, signal });
    const detail =
      result.status === 'vulnerable'
        ? `${result.complexity.type} complexity, attack ${result.attack.pattern}`
        : result.status === 'unknown'
          ? `undecided (${result.error.kind})`
          : '';
    return { status: result.status as Status, detail };
  };
  /**
   * The automaton's proofs, as written and with bounds lifted, raced: each form is fast where the
   * other is slow (a large bound takes the automaton minutes; lifting it can make a linear
   * expression quadratic), and each gets the whole budget, so a loaded machine delays a proof
   * without turning it into a different verdict. The first safe proof wins and stops the other;
   * "vulnerable" as written is final; "vulnerable" with bounds lifted says nothing.
   */
  const prove = async (expression: Expression): Promise<{ status: Status; by: string; detail: string }> => {
    const lifted = liftBounds(expression.source);
    const stop = new AbortController();
    const asWritten = attempt(
      expression.source,
      expression.flags,
      'automaton',
      options.timeoutMs,
      stop.signal,
    ).then((proof) => ({ ...proof, by: 'recheck, automaton' }));
    const unbounded =
      lifted === expression.source
        ? asWritten
        : attempt(lifted, expression.flags, 'automaton', options.timeoutMs, stop.signal).then((proof) => ({
            ...proof,
            status: proof.status === 'safe' ? ('safe' as const) : ('unknown' as const),
            by: 'recheck, automaton, bounds lifted',
          }));
    const decisive = (proof: Promise<{ status: Status; by: string; detail: string }>) =>
      proof.then((result) => (result.status === 'unknown' ? Promise.reject(result) : result));
    try {
      return await Promise.any([decisive(asWritten), decisive(unbounded)]);
    } catch {
      return { status: 'unknown', by: 'recheck, automaton', detail: '' };
    } finally {
      stop.abort();
      await Promise.allSettled([asWritten, unbounded]);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < expressions.length) {
      const index = next++;
      const expression = expressions[index]!;
      const started = Date.now();
      const done = (status: Status, by: string, detail = '') => {
        verdicts[index] = { expression, status, by, detail, milliseconds: Date.now() - started };
        if (status === 'safe' && by.startsWith('recheck')) cached.add(cacheKey(expression));
      };
      if (!hasVariableRepetition(expression.source)) {
        done('safe', 'linear');
        continue;
      }
      if (cached.has(cacheKey(expression))) {
        done('safe', 'cache');
        continue;
      }
      const proof = await prove(expression);
      if (proof.status !== 'unknown') {
        done(proof.status, proof.by, proof.detail);
        continue;
      }
      // No proof (an expression the automaton does not support, such as a lookahead, or one too
      // large for it): recheck's default checker, fuzzing, decides as written.
      const fuzzed = await attempt(expression.source, expression.flags, 'auto', options.timeoutMs);
      done(fuzzed.status, 'recheck, fuzz', fuzzed.detail);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (useCache) writeCache(cached);
  return verdicts;
}
