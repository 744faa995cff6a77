#!/usr/bin/env node
/**
 * Pulls the provider responses out of Postmark's SMTP Field Manual
 * (github.com/ActiveCampaign/smtp-field-manual, MIT): data/codes/<code>.json, one entry per
 * provider and response. The manual's own description is kept as a hint for the labeller.
 *
 * Usage: node scripts/smtp-corpus/extract-field-manual.mjs <git dir> <commit>
 */
import { openRepository } from './repository.mjs';

const { files, read } = openRepository(
  'extract-field-manual.mjs <git dir> <commit>',
  (name) => name.startsWith('data/codes/') && name.endsWith('.json'),
  { folderRequired: false },
);

for (const file of files) {
  const data = JSON.parse(read(file));
  for (const provider of data.providers ?? []) {
    for (const response of provider.responses ?? []) {
      if (typeof response.response !== 'string') continue;
      process.stdout.write(
        `${JSON.stringify({ reply: response.response, file, provider: provider.id, hint: response.description })}\n`,
      );
    }
  }
}
