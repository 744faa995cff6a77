/**
 * zod issues → mailover `ValidationIssue`s: a readable path (`to[1].address`, `headers.X-Trace`)
 * and a reason a developer can act on. zod's union errors nest every branch's failure; here a union
 * reports the one branch that got past the type check, or its own message when none did.
 */
import type { z } from 'zod/mini';
import type { ValidationIssue } from '../errors.js';
import { lookupTable } from '../lookup-table.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `['to', 1, 'address']` → `to[1].address`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** Words for zod's own issues (wrong type, unknown field); the schema words everything else. */
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    const expected = issue.expected === 'record' ? 'object of strings' : String(issue.expected);
    return `must be ${withArticle(expected)}, not ${describe(issue.input)}`;
  }
  return undefined;
}

/** Flatten zod's issues into mailover's, one per field and reason. */
export function toValidationIssues(
  issues: readonly Issue[],
  knownFields: Readonly<Record<string, readonly string[]>>,
) {
  const result: ValidationIssue[] = [];
  const visit = (issue: Issue, base: Path) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') {
      const reached = issue.errors.filter((branch) => !branch.every(isTypeMismatch));
      if (reached.length === 1) {
        for (const inner of reached[0]!) visit(inner, path);
        return;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields[objectKind(path)] ?? [];
      for (const key of issue.keys) {
        result.push({ path: formatPath([...path, key]), message: unknownFieldMessage(key, known) });
      }
      return;
    }
    result.push({ path: formatPath(path), message: issue.message });
  };
  for (const issue of issues) visit(issue, []);
  return result;
}

// A branch that failed only because the value has another type: not the branch the user meant.
function isTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every((branch) => branch.every(isTypeMismatch));
}

function objectKind(path: Path): string {
  if (path.length === 0) return 'message';
  return path[0] === 'attachments' ? 'attachment' : 'address';
}

// Fields other mail libraries use, and what mailover calls them.
const ALIASES: Readonly<Record<string, string>> = lookupTable({
  body: 'use text or html',
  textbody: 'use text',
  htmlbody: 'use html',
  attachment: 'use attachments',
  header: 'use headers',
  tag: 'use tags',
  category: 'use tags',
  categories: 'use tags',
  path: 'read the file and pass its bytes as content',
  href: 'download the file and pass its bytes as content',
  contentdisposition: 'an attachment with a cid is inline, one without is attached',
  disposition: 'an attachment with a cid is inline, one without is attached',
  inline: 'an attachment with a cid is inline, one without is attached',
  email: 'use address',
  messageid: 'mailover sets the Message-ID; pass idempotencyKey to make it stable',
});

function unknownFieldMessage(key: string, known: readonly string[]): string {
  const folded = key.toLowerCase().replace(/[-_\s]/g, '');
  const match = known.find((field) => field.toLowerCase() === folded);
  const hint = match ? `did you mean ${match}?` : (ALIASES[folded] ?? `known fields: ${known.join(', ')}`);
  return `is not a known field; ${hint}`;
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return withArticle(typeof value);
}
