/**
 * The classifier's learned model (src/smtp/model.ts, docs/smtp-classifier.md "The learned model"):
 * training gives the committed weights, the features the classifier hashes are the ones training
 * named, and on made-up replies (in no source of the corpus) the model decides only where the
 * rules are unsure, never says greylisting or accepted, and leaves a coded reply's transient flag
 * to its code class.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../../bench/classify/corpus.js';
import { normalised } from '../../../scripts/smtp-corpus/dedup.js';
import { MODEL_MODULE, modelModule } from '../../../scripts/smtp-corpus/train.js';
import { classifySmtpReply } from '../src/index.js';
import { rulesVerdictForStudy } from '../src/smtp/classify.js';
import { MODEL_CATEGORIES, linearModel, modelCategory } from '../src/smtp/model.js';
import { featureHash, forEachFeatureHash, modelFeatures } from '../src/smtp/model-features.js';
import { MODEL_WEIGHTS } from '../src/smtp/model-weights.js';
import { parseSmtpReply } from '../src/smtp/parse.js';
import { readFileSync } from 'node:fs';

const corpus = loadCorpus();
const inCorpus = new Set(corpus.rows.map((row) => normalised(row.reply)));
const model = linearModel(MODEL_WEIGHTS);

// Made-up replies no rule matches (or only the basic code), each with what the model says.
const UNSEEN: readonly [string, string][] = [
  ['550 the person you wrote to has no account on this system', 'recipient_unknown'],
  ['host name lookup for your server returned nothing', 'dns'],
  ['550 your server is listed as a source of junk', 'blocklisted'],
  ['450 the remote end hung up on us', 'connection'],
  ['sender address has been banned here', 'policy_reputation'],
];

describe('training', () => {
  it('gives the committed module again (scripts/smtp-corpus/train.ts)', () => {
    expect(modelModule()).toBe(readFileSync(MODEL_MODULE, 'utf8'));
  }, 60_000);

  it('learns from dev rows only, and stays small', () => {
    const text = readFileSync(MODEL_MODULE, 'utf8');
    const trained = Number(/\/\/ (\d+) training rows/.exec(text)?.[1]);
    const devTrainable = corpus.dev.filter(
      (row) => !row.ambiguous && (MODEL_CATEGORIES as readonly string[]).includes(row.category),
    ).length;
    expect(trained).toBe(devTrainable);
    expect(text.length).toBeLessThan(40_000);
    expect(MODEL_WEIGHTS.features.length).toBeLessThanOrEqual(600);
  });
});

describe('features', () => {
  it('are hashed at run time as training named them', () => {
    const replies = [
      '550-5.7.1 Message REJECTED: sender  <a@b.example> is on our list (in reply to RCPT TO command)',
      'smtp; 421 4.4.2 mx.example.net closing: idle too long',
      'Relaying denied. Proper authentication required.',
      ...corpus.dev.map((row) => row.reply),
    ];
    for (const reply of replies) {
      const parsed = parseSmtpReply(reply);
      const hashed: number[] = [];
      forEachFeatureHash(parsed, (hash) => hashed.push(hash));
      expect(hashed, reply).toEqual(modelFeatures(parsed).map(featureHash));
    }
  });

  it('read codes, cut words and stand one placeholder for addresses and host names', () => {
    expect(
      modelFeatures(parseSmtpReply('550 5.1.1 <joe@example.com>: Recipient REJECTED by mx1.example.org')),
    ).toEqual([
      '_c5',
      '_b550',
      '_e5.1.1',
      '_s5.1',
      '_d1.1',
      '_addr',
      'recipie',
      '_addr recipie',
      'rejecte',
      'recipie rejecte',
      'by',
      'rejecte by',
      '_host',
      'by _host',
    ]);
  });

  it('no two of the shipped model share a hash', () => {
    expect(model.index.size).toBe(MODEL_WEIGHTS.features.length);
  });
});

describe('the model in classifySmtpReply', () => {
  it('decides made-up replies the rules leave to it', () => {
    for (const [reply, category] of UNSEEN) {
      expect(inCorpus.has(normalised(reply)), reply).toBe(false);
      const { verdict } = rulesVerdictForStudy(reply);
      expect(verdict.rule, reply).toBeUndefined();
      expect(modelCategory(model, parseSmtpReply(reply)), reply).toBe(category);
      expect(classifySmtpReply(reply).category, reply).toBe(category);
    }
  });

  it('keeps the code class as the transient flag of a coded reply', () => {
    // The model says connection (usually transient) for both; the code class decides.
    expect(classifySmtpReply('450 the remote end hung up on us')).toMatchObject({ transient: true });
    expect(classifySmtpReply('550 the remote end hung up on us')).toMatchObject({ transient: false });
    expect(classifySmtpReply('550 the person you wrote to has no account on this system').transient).toBe(
      false,
    );
    expect(classifySmtpReply('451 the person you wrote to has no account on this system').transient).toBe(
      true,
    );
  });

  it('gives a codeless reply its category’s usual transient flag', () => {
    expect(classifySmtpReply('sender address has been banned here')).toMatchObject({
      category: 'policy_reputation',
      transient: false,
    });
    expect(classifySmtpReply('host name lookup for your server returned nothing')).toMatchObject({
      category: 'dns',
      transient: true,
    });
  });

  it('leaves a reply with no word it knows to the rules’ default', () => {
    for (const reply of ['', '999 ???', 'zzqx wvpt', '554 ???', '451 qqqq']) {
      expect(modelCategory(model, parseSmtpReply(reply)), reply).toBeUndefined();
    }
    expect(classifySmtpReply('zzqx wvpt')).toMatchObject({ category: 'other_transient', transient: true });
    expect(classifySmtpReply('554 ???')).toMatchObject({ category: 'other_permanent', transient: false });
  });

  it('never overrides a text rule, an enhanced code or the greylisting code', () => {
    expect(classifySmtpReply('450 4.2.0 the remote end hung up on us').category).toBe('greylisting');
    expect(classifySmtpReply('550 5.1.1 the remote end hung up on us').category).toBe('recipient_unknown');
    expect(classifySmtpReply('550 mailbox full, the remote end hung up on us').category).toBe('mailbox_full');
  });

  it('never says greylisting or accepted, whatever the words', () => {
    expect(MODEL_CATEGORIES).not.toContain('greylisting');
    expect(MODEL_CATEGORIES).not.toContain('accepted');
    const vocabulary = MODEL_WEIGHTS.features
      .map(([feature]) => feature)
      .filter((feature) => /^[a-z]+$/.test(feature));
    const word = fc.constantFrom(...vocabulary, 'grey', 'accepted', 'ok', 'later', 'queued');
    const prefix = fc.constantFrom('', '250 ', '450 ', '451 ', '550 ', '554 ', 'smtp; ');
    fc.assert(
      fc.property(prefix, fc.array(word, { minLength: 1, maxLength: 12 }), (start, words) => {
        const reply = `${start}${words.join(' ')}`;
        const guess = modelCategory(model, parseSmtpReply(reply));
        expect(guess === undefined || (MODEL_CATEGORIES as readonly string[]).includes(guess)).toBe(true);
        const result = classifySmtpReply(reply);
        const { verdict } = rulesVerdictForStudy(reply);
        if (result.category === 'greylisting') expect(verdict.category).toBe('greylisting');
        if (result.category === 'accepted') expect(start).toBe('250 ');
        // A coded reply's flag is what the rules' category gives it: the code class, or final when
        // the text says the sender gave up; the model's category changes nothing there.
        if (/^[45]/.test(start)) {
          expect(result.transient).toBe(rulesVerdictForStudy(reply).transientFor(verdict.category));
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});
