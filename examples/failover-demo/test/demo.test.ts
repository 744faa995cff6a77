import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('the README demo fails over past SendGrid and SES and sends every message', async () => {
  const script = fileURLToPath(new URL('../index.ts', import.meta.url));
  const { stdout } = await run('npx', ['tsx', '--conditions=mailover-source', script], { timeout: 60_000 });
  expect(stdout).toMatch(/totals: 16\/16 sent/);
  expect(stdout).toMatch(/sendgrid:provider_unavailable → ses:ok/);
  expect(stdout).toMatch(/ses:account_suspended → mailgun:ok/);
  expect(stdout).toMatch(/circuit opened for sendgrid/);
}, 70_000);
