/** `mailover-sandbox` as a process: it prints the web view's address, and the view answers there. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const directory = fileURLToPath(new URL('..', import.meta.url));

it('prints the web view URL (--json and text), and the page is served there', async () => {
  for (const json of [true, false]) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=mailover-source',
        '--input-type=module',
        '-e',
        `import('./src/cli.ts').then((cli) => cli.main(${json ? "['--json']" : '[]'}))`,
      ],
      {
        cwd: directory,
        env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      let view: string | undefined;
      for await (const line of lines) {
        if (json) view = (JSON.parse(line) as { view: string }).view;
        else view = /^\s+web view\s+(\S+)/.exec(line)?.[1];
        if (view) break;
      }
      expect(view).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(view!);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await page.text()).toContain('<title>mailover sandbox</title>');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }
}, 60_000);
