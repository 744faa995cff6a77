#!/usr/bin/env node
/**
 * Pulls the replies Sisimai's Rhost modules quote in their comments (github.com/sisimai/rb-sisimai,
 * BSD-2-Clause): blocks such as `# - 550 5.7.26 This message fails to pass SPF checks …` with
 * `#   …` continuation lines, copied by Sisimai from the providers' documentation. The bounce
 * reason the block sits under is kept as a hint for the labeller (never as the label). Where a
 * module keeps the documented wording as data instead (Microsoft's `['5.7.23', 0, 0, 'the message
 * was rejected because of sender policy framework violation']`, Mimecast's `[550, '…']`), the code
 * and the wording are joined into one row, marked `fragment: true` (Sisimai stores it lowercased).
 *
 * Usage: node scripts/smtp-corpus/extract-quoted-replies.mjs <git dir> <commit> <folder>
 */
import { openRepository } from './repository.mjs';

const { files, read } = openRepository(
  'extract-quoted-replies.mjs <git dir> <commit> <folder in the repository>',
  (name) => name.endsWith('.rb') || name.endsWith('.pm'),
);

for (const file of files) {
  const lines = read(file).split('\n');
  let hint;
  for (let index = 0; index < lines.length; index += 1) {
    const reason = /^\s*'(\w+)'\s*=>\s*\[/.exec(lines[index]);
    if (reason) hint = reason[1];
    const data =
      /^\s*\[\s*'?([245](?:\d\d|\.\d{1,3}\.\d{1,3}))'?\s*,(?:\s*\d+\s*,\s*\d+\s*,)?\s*(['"])([^'"]{12,})\2\s*\],?\s*$/.exec(
        lines[index],
      );
    if (data) {
      process.stdout.write(
        `${JSON.stringify({ reply: `${data[1]} ${data[3]}`, file, hint, fragment: true })}\n`,
      );
      continue;
    }
    const start = /^\s*#\s+-\s+([245]\d\d[\s-].*)$/.exec(lines[index]);
    if (!start) continue;
    let reply = start[1].trim();
    while (index + 1 < lines.length && /^\s*#\s{3,}\S/.test(lines[index + 1])) {
      index += 1;
      // Sisimai wraps words with a hyphen at the line end (`mes-` / `sage`).
      const next = lines[index].replace(/^\s*#\s+/, '').trim();
      reply = /[a-z]-$/.test(reply) ? reply.slice(0, -1) + next : `${reply} ${next}`;
    }
    process.stdout.write(`${JSON.stringify({ reply, file, hint })}\n`);
  }
}
