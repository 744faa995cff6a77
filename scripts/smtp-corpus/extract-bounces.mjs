#!/usr/bin/env node
/**
 * Pulls the SMTP replies out of a public repository's sample bounce messages (Sisimai's
 * set-of-emails, Mail::DeliveryStatus::BounceParser's corpus, flufl.bounce's test data…): the
 * Diagnostic-Code fields of the delivery-status parts, and where a bounce has none, the reply an
 * MTA quotes in its body (`… said: 550 …`, Exim's `host …: 550 …`, Sendmail's `<<< 550 …`
 * transcript). One JSON line per (file, reply) on stdout; labelling is a separate step
 * (docs/smtp-labelling-guide.md).
 *
 * Usage: node scripts/smtp-corpus/extract-bounces.mjs <git dir> <commit> <folder in the repository>
 */
import { openRepository } from './repository.mjs';

const { files, read } = openRepository(
  'extract-bounces.mjs <git dir> <commit> <folder in the repository>',
  (name) => /\.(?:eml|msg|txt)$/.test(name),
);

const REPLY_START = /^(?:[45]\d\d[\s-]|[45]\.\d{1,3}\.\d{1,3}\s)/;

for (const file of files) {
  const text = read(file, 'latin1');
  const lines = text.split(/\r?\n/);
  const found = new Set();
  // Diagnostic-Code fields, unfolded.
  for (let index = 0; index < lines.length; index += 1) {
    const match = /^Diagnostic-Code:(.*)$/i.exec(lines[index]);
    if (!match) continue;
    let value = match[1].trim();
    while (index + 1 < lines.length && /^[ \t]+\S/.test(lines[index + 1])) {
      index += 1;
      value += ` ${lines[index].trim()}`;
    }
    found.add(value.trim());
  }
  if (found.size === 0) {
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index].trim();
      let reply;
      const said = /(?:said|says|replied|answered|reply was|response was):\s*([45]\d\d[\s-][^\n]*)/i.exec(
        line,
      );
      const transcript = /^<<<\s*([45]\d\d[\s-].*)$/.exec(line);
      if (said) reply = said[1];
      else if (transcript) reply = transcript[1];
      else if (/^host \S+ \[[\d.:a-f]+\]:?$/i.test(line) && REPLY_START.test(lines[index + 1]?.trim() ?? ''))
        reply = lines[++index].trim();
      else if (/^host \S+ \[[\d.:a-f]+\]:\s*([45]\d\d[\s-].*)$/i.test(line))
        reply = /:\s*([45]\d\d[\s-][^\n]*)/.exec(line)[1];
      if (!reply) continue;
      // Wrapped continuation lines, indented more than nothing and not a new section.
      while (
        index + 1 < lines.length &&
        /^\s+\S/.test(lines[index + 1]) &&
        !/^\s*(?:host |<|-|\(|Reporting|Final|Original|Action|Status)/i.test(lines[index + 1])
      ) {
        index += 1;
        reply += ` ${lines[index].trim()}`;
      }
      found.add(reply.trim());
    }
  }
  for (const reply of found) {
    if (!/[a-z]{3}/i.test(reply)) continue;
    process.stdout.write(`${JSON.stringify({ reply, file })}\n`);
  }
}
