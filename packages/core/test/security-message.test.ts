/**
 * Header-bound fields refuse every control character, not only CR, LF and NUL, and refused input
 * is never kept: a sign-up form can send anything. docs/security.md.
 */
import { type MessageInput, ValidationError, type ValidationIssue } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import { describe, expect, it } from 'vitest';
import { recentAnswers } from '../src/message/recent-answers.js';

const valid = { from: 'app@example.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

function issuesOf(input: unknown): readonly ValidationIssue[] {
  try {
    normalizeMessage(input as MessageInput);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('control characters are refused wherever a value reaches a header', () => {
  const fields: [string, (bad: string) => Record<string, unknown>, string][] = [
    ['subject', (bad) => ({ subject: `Hi${bad}there` }), 'subject'],
    ['display name in a string', (bad) => ({ to: `Ada${bad} <ada@example.org>` }), 'to'],
    ['name object', (bad) => ({ from: { address: 'app@example.com', name: `App${bad}` } }), 'from.name'],
    ['header value', (bad) => ({ headers: { 'X-Trace': `abc${bad}def` } }), 'headers.X-Trace'],
    [
      'attachment filename',
      (bad) => ({ attachments: [{ filename: `a${bad}.pdf`, content: 'x' }] }),
      'attachments[0].filename',
    ],
    ['metadata value', (bad) => ({ metadata: { order: `1${bad}2` } }), 'metadata.order'],
    ['tag', (bad) => ({ tags: [`a${bad}b`] }), 'tags[0]'],
  ];
  const controls: [string, string][] = [
    ['VT', '\u000b'],
    ['FF', '\u000c'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['NEL', '\u0085'],
    ['C1 CSI', '\u009b'],
    ['LINE SEPARATOR', '\u2028'],
  ];
  for (const [field, change, path] of fields) {
    it.each(controls)(`${field}: %s`, (_name, bad) => {
      const issues = issuesOf({ ...valid, ...change(bad) });
      const atPath = issues.filter((issue) => issue.path === path);
      expect(atPath, JSON.stringify(issues)).toHaveLength(1);
      expect(atPath[0]!.message).toMatch(/control character U\+[0-9A-F]{4}/);
    });
  }

  it('a TAB in the subject and non-ASCII text stay allowed', () => {
    const message = normalizeMessage({ ...valid, subject: 'Reçu\tn° 42 — ✉️' });
    expect(message.subject).toBe('Reçu\tn° 42 — ✉️');
  });
});

describe('refused input is not kept', () => {
  it('a multi-megabyte domain is refused by its length, and the error quotes only its start', () => {
    const issues = issuesOf({ ...valid, to: `ada@${'a'.repeat(5 * 1024 * 1024)}.example` });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/longer than 254 octets/);
    expect(issues[0]!.message.length).toBeLessThan(200);
  });

  it('the answer cache computes, but never remembers, an input over its length bound', () => {
    let computed = 0;
    const check = recentAnswers(
      10,
      (input: string) => {
        computed += 1;
        return input.length;
      },
      16,
    );
    check('short.example');
    check('short.example');
    expect(computed).toBe(1);
    const long = 'x'.repeat(17);
    check(long);
    check(long);
    expect(computed).toBe(3);
  });
});
