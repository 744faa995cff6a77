/**
 * The part every extraction script shares: a repository snapshot read through `git` (a bare git
 * directory and a commit, so each row can cite the file at that commit).
 */
import { execFileSync } from 'node:child_process';

/**
 * Reads `<git dir> <commit> [folder]` from the command line (exits with `usage` when missing) and
 * returns the files under the folder whose names pass `keep`, and a reader for them.
 */
export function openRepository(usage, keep, { folderRequired = true } = {}) {
  const [gitDir, commit, folder = ''] = process.argv.slice(2);
  if (!gitDir || !commit || (folderRequired && !folder)) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 26 });
  const files = git('ls-tree', '-r', '--name-only', commit, ...(folder ? [folder] : []))
    .toString()
    .split('\n')
    .filter((name) => name !== '' && keep(name));
  return { files, read: (file, encoding = 'utf8') => git('show', `${commit}:${file}`).toString(encoding) };
}
