/**
 * The layering of @mailover/core, enforced: each folder may import only the layers below it.
 * docs/architecture.md, "Layers". A new file in a new place must be given a layer here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const core = join(root, 'packages/core/src');

/** Layer of a source file, by its path under packages/core/src. */
function layerOf(path: string): string {
  const [first] = path.split('/');
  if (path.split('/').length === 1) return path === 'index.ts' ? 'entry' : 'contract';
  return first!;
}

/** What each layer may import (besides itself). The contract is the bottom: types and small helpers. */
const ALLOWED: Record<string, readonly string[]> = {
  contract: ['config', 'smtp-types', 'message-types'],
  config: ['contract'],
  smtp: [],
  message: ['contract'],
  store: ['contract', 'config'],
  greylisting: ['contract', 'store', 'message-types'],
  webhooks: ['contract'],
  // The Queue interface, the in-memory queue, its keys; the runner that works it is the engine's.
  queue: ['contract', 'config'],
  // `@mailover/core/provider`, the adapters' entry (docs/adapters.md): the contract and its helpers.
  'provider-kit': ['contract', 'config', 'message-types', 'smtp', 'smtp-types', 'suppression-contract'],
  suppression: [
    'contract',
    'config',
    'message',
    'message-types',
    'store',
    'smtp-types',
    'suppression-contract',
  ],
  engine: [
    'contract',
    'config',
    'message',
    'message-types',
    'store',
    'greylisting',
    'webhooks',
    'smtp',
    'smtp-types',
    'suppression',
    'suppression-contract',
    'queue',
  ],
  testing: [
    'contract',
    'config',
    'message',
    'message-types',
    'store',
    'greylisting',
    'webhooks',
    'smtp',
    'smtp-types',
    'engine',
    'suppression',
    'suppression-contract',
    'queue',
  ],
  entry: [
    'contract',
    'config',
    'message',
    'message-types',
    'store',
    'greylisting',
    'webhooks',
    'smtp',
    'smtp-types',
    'engine',
    'testing',
    'suppression',
    'suppression-contract',
    'queue',
  ],
};

/** Types-only modules that lower layers may name: they hold no behaviour. */
function targetLayer(path: string): string {
  if (path === 'smtp/types.ts') return 'smtp-types';
  if (path === 'message/types.ts') return 'message-types';
  // What an adapter needs of the suppression list: its shapes, the sync contract, bounce → reason.
  if (['suppression/types.ts', 'suppression/sync.ts', 'suppression/reasons.ts'].includes(path))
    return 'suppression-contract';
  return layerOf(path);
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

const IMPORT = /(?:from|import\()\s*'(\.[^']+)'/g;

describe('layers of @mailover/core', () => {
  const files = sources(core);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it('no file imports a layer above its own', () => {
    const violations: string[] = [];
    for (const file of files) {
      const path = relative(core, file);
      const layer = layerOf(path);
      const allowed = ALLOWED[layer];
      if (!allowed) {
        violations.push(`${path}: the folder '${layer}' has no layer; add it to ALLOWED`);
        continue;
      }
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = relative(core, normalize(join(dirname(file), match[1]!.replace(/\.js$/, '.ts'))));
        const targetsLayer = targetLayer(target);
        if (targetsLayer === layer || (layer !== 'contract' && targetsLayer === 'contract')) continue;
        if (layerOf(target) === layer) continue;
        if (!allowed.includes(targetsLayer))
          violations.push(`${path} imports ${target} (${layer} → ${targetsLayer})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the check itself catches an upward import', () => {
    // greylisting → engine is the import this test exists to forbid.
    expect(ALLOWED.greylisting).not.toContain('engine');
    expect(ALLOWED.webhooks).not.toContain('engine');
    expect(ALLOWED.contract).not.toContain('engine');
  });

  it('adapters and the sandbox import core only through its published entries, never each other', () => {
    const violations: string[] = [];
    const packages = readdirSync(join(root, 'packages')).filter((name) => name !== 'core');
    for (const name of packages) {
      let files: string[] = [];
      try {
        files = sources(join(root, 'packages', name, 'src'));
      } catch {
        continue;
      }
      for (const file of files) {
        for (const match of readFileSync(file, 'utf8').matchAll(/from\s*'(@mailover\/[^']+)'/g)) {
          const specifier = match[1]!;
          if (specifier.startsWith('@mailover/core/src') || specifier.includes('/dist/'))
            violations.push(`${relative(root, file)} reaches into ${specifier}`);
        }
        for (const match of readFileSync(file, 'utf8').matchAll(/from\s*'(\.\.\/\.\.\/[^']+)'/g)) {
          violations.push(`${relative(root, file)} imports across packages by path: ${match[1]}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
