/**
 * The classifier's rules as data: the word index never hides a rule from a reply it matches, and
 * hostile inputs (long whitespace runs, repeated codes, 100 KB) are read correctly. No timings
 * here: speed is in bench/classify. Every expression the classifier runs, the sticky alternatives
 * it builds as it loads included, is checked for ReDoS by the repository-wide check,
 * test/security/redos.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../bench/classify/corpus.js';
import { classifySmtpReply } from '../src/index.js';
import { BLOCKLISTS, SYSTEMS } from '../src/smtp/details.js';
import { MAX_INPUT, parseSmtpReply } from '../src/smtp/parse.js';
import { TEXT_RULES } from '../src/smtp/rules.js';
import { AlternativeMatcher, splitAlternatives, Words } from '../src/smtp/word-index.js';

const corpusTexts = loadCorpus().rows.map((row) => parseSmtpReply(row.reply).text);

describe('the word index never hides a rule', () => {
  // For each alternative and each corpus reply: if the expression matches, the index offers it.
  it.each([
    ['text rules', TEXT_RULES],
    ['systems', SYSTEMS],
    ['blocklists', BLOCKLISTS],
  ] as const)('%s', (_name, entries) => {
    const matcher = new AlternativeMatcher(entries);
    const words = new Words();
    const missed: string[] = [];
    for (const text of corpusTexts) {
      words.read(text);
      matcher.alternatives.forEach((alternative, number) => {
        const unanchored = new RegExp(alternative.pattern.source, alternative.pattern.flags.replace('y', ''));
        if (!unanchored.test(text)) return;
        const offered = matcher.first(text, words, (entry) => entry === alternative.entry && number >= 0);
        if (offered !== alternative.entry)
          missed.push(`${alternative.pattern.source} on ${JSON.stringify(text.slice(0, 80))}`);
      });
    }
    expect(missed).toEqual([]);
  });

  it('reads keys from how a pattern spells its first word', () => {
    const [mailbox, hosts, tls] = splitAlternatives([
      { keys: ['fallback'], pattern: /\bmail ?box full\b|\bhosts? (?:is )?down\b|\btls(?:\/ssl)? required/i },
    ]);
    expect(mailbox!.keys).toEqual(['mail', 'mailbo']);
    expect(new Set(hosts!.keys)).toEqual(new Set(['hosts', 'host']));
    expect(tls!.keys).toEqual(['tls']);
    expect(mailbox!.anchored).toBe(true);
  });
});

describe('hostile input', () => {
  it('reads a reply padded with 100 KB of whitespace by its first MAX_INPUT characters', () => {
    const padded = `450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted${' '.repeat(100_000)}x`;
    expect(classifySmtpReply(padded)).toMatchObject({
      basic: 450,
      enhanced: '4.2.0',
      category: 'greylisting',
    });
    expect(MAX_INPUT).toBeLessThanOrEqual(2_000);
  });

  it('collapses long runs of mixed whitespace inside a reply and still finds the cause', () => {
    const reply = `550 5.1.1 user${' \t'.repeat(700)}unknown`;
    expect(classifySmtpReply(reply)).toMatchObject({
      basic: 550,
      category: 'recipient_unknown',
      transient: false,
    });
    expect(classifySmtpReply(reply).text).toBe('user unknown');
  });

  it('keeps the trailing Postfix command out of the text, however it is padded', () => {
    const reply = `550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown${' '.repeat(1_500)}(in reply to RCPT TO command)`;
    expect(classifySmtpReply(reply).text).toBe('<bob@example.org>: Recipient address rejected: User unknown');
  });

  it('survives a reply made of codes only, repeated', () => {
    const result = classifySmtpReply(
      `550-5.7.1 ${'550-5.7.1 '.repeat(150)}550 5.7.1 blocked using zen.spamhaus.org`,
    );
    expect(result).toMatchObject({ basic: 550, enhanced: '5.7.1', category: 'blocklisted' });
  });

  it('survives thousands of lines and of words', () => {
    const lines = classifySmtpReply(
      `451-4.7.1 Please try again later\n${'451-4.7.1 \n'.repeat(3_000)}451 4.7.1 end`,
    );
    expect(lines).toMatchObject({ basic: 451, category: 'greylisting', transient: true });
    const words = classifySmtpReply(`421 ${'mailbox '.repeat(2_000)}`);
    expect(words).toMatchObject({ basic: 421, transient: true });
  });
});
