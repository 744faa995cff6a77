#!/usr/bin/env node
/**
 * Leaves out of an add-rows.ts list the candidates close to a held-out row: the same wording with
 * other details (a help page copying a held-out provider's table). Closeness is the Jaccard index of
 * the two replies' word sets after the deduplication rule's masking (dedup.ts); at 0.65 or more the
 * candidate is dropped. Prints each dropped candidate with the held-out row's id and the index, never
 * the held-out text (data/smtp-replies/README.md, "Split"; docs/smtp-labelling-guide.md, "Adding rows").
 *
 * Usage: npx tsx scripts/smtp-corpus/near-held-out.ts <list>...   (writes <list>.kept beside each)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalised } from './dedup.js';

const THRESHOLD = 0.65;
const directory = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/smtp-replies');
const heldOutGroups = new Set(
  readFileSync(resolve(directory, 'held-out-groups.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#')),
);

function wordsOf(reply: string): Set<string> {
  return new Set(
    normalised(reply)
      .split(' ')
      .filter((word) => word.length > 1),
  );
}

const heldOut = readFileSync(resolve(directory, 'replies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as { id: string; reply: string; group: string })
  .filter((row) => heldOutGroups.has(row.group))
  .map((row) => ({ id: row.id, words: wordsOf(row.reply) }));

for (const listFile of process.argv.slice(2)) {
  const kept: string[] = [];
  for (const line of readFileSync(listFile, 'utf8').split('\n')) {
    const columns = line.split('\t');
    if (line.startsWith('#') || line.startsWith('//') || columns.length < 3) {
      kept.push(line);
      continue;
    }
    const reply = (columns[2] === 'A' ? (columns[3] ?? '') : (columns[2] ?? '')).replaceAll('\\n', '\n');
    const words = wordsOf(reply);
    let closest = { id: '', index: 0 };
    for (const row of heldOut) {
      let shared = 0;
      for (const word of words) if (row.words.has(word)) shared += 1;
      const index = shared / (words.size + row.words.size - shared || 1);
      if (index > closest.index) closest = { id: row.id, index };
    }
    if (closest.index >= THRESHOLD)
      console.log(`drop ${closest.index.toFixed(2)} near held-out ${closest.id}: ${reply}`);
    else kept.push(line);
  }
  writeFileSync(`${listFile}.kept`, kept.join('\n'));
}
