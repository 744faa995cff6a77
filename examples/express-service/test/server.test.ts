/** The entry point as a process: it starts on the sandbox with no keys and stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const directory = fileURLToPath(new URL('..', import.meta.url));

describe('server.ts', () => {
  it('serves on the sandbox without keys and exits 0 after SIGTERM, logging JSON lines', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=mailover-source', 'src/server.ts'],
      {
        cwd: directory,
        // No provider keys from the developer's shell: this must run on the sandbox.
        env: { PATH: process.env.PATH, PORT: '0', NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const records: Record<string, unknown>[] = [];
    const lines = createInterface({ input: child.stdout });
    let listening: ((url: string) => void) | undefined;
    const started = new Promise<string>((resolve) => {
      listening = resolve;
    });
    lines.on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      if (record.event === 'listening') listening?.(String(record.url));
    });
    const exited = once(child, 'exit');

    const url = await started;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, providers: ['sendgrid', 'ses', 'mailgun', 'postmark'] });
    // The log links the sandbox's web view, and it answers there.
    const view = String(records.find((record) => record.event === 'listening')?.sandboxView);
    expect(view).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await fetch(view)).text()).toContain('<title>mailover sandbox</title>');
    child.kill('SIGTERM');
    const [code] = await exited;

    expect(code).toBe(0);
    expect(records.find((record) => record.event === 'listening')).toMatchObject({ mode: 'sandbox' });
    expect(records.map((record) => record.event).slice(-3)).toEqual(['signal', 'shutdown', 'stopped']);
  });
});
