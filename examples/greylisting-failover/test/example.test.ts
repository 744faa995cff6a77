import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('narrates the loop, the failover and the domain memory, and delivers everything', async () => {
  const script = fileURLToPath(new URL('../index.ts', import.meta.url));
  const { stdout } = await run('npx', ['tsx', '--conditions=mailover-source', script], { timeout: 60_000 });
  expect(stdout).toMatch(/★ loop detected for ada@greylisting\.example/);
  expect(stdout).toMatch(/★ re-sent to ada@greylisting\.example only, through postmark/);
  expect(stdout).toMatch(/★ greylisting\.example is known to greylist: routing straight to postmark/);
  expect(stdout).toMatch(/ada@greylisting\.example\s+delivered\s+via postmark/);
  expect(stdout).toMatch(/bob@greylisting\.example\s+delivered\s+via postmark/);
  expect(stdout).toMatch(/carol@open\.example\s+delivered\s+via sendgrid/);
}, 70_000);
