#!/usr/bin/env node
/**
 * Pulls the provider responses out of Postmark's SMTP Field Manual
 * (github.com/ActiveCampaign/smtp-field-manual, MIT): data/codes/<code>.json, one entry per
 * provider and response. The manual's own description is kept as a hint for the labeller.
 *
 * Usage: node scripts/smtp-corpus/extract-field-manual.mjs <git dir> <commit>
 */
import { execFileSync } from 'node:child_process';

const [gitDir, commit] = process.argv.slice(2);
if (!gitDir || !commit) {
  console.error('usage: extract-field-manual.mjs <git dir> <commit>');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 26 });
const files = git('ls-tree', '-r', '--name-only', commit, 'data/codes')
  .toString()
  .split('\n')
  .filter((name) => name.endsWith('.json'));

for (const file of files) {
  const data = JSON.parse(git('show', `${commit}:${file}`).toString('utf8'));
  for (const provider of data.providers ?? []) {
    for (const response of provider.responses ?? []) {
      if (typeof response.response !== 'string') continue;
      process.stdout.write(
        `${JSON.stringify({ reply: response.response, file, provider: provider.id, hint: response.description })}\n`,
      );
    }
  }
}
