/**
 * A real authoritative DNS server on loopback for tests: NSD (Debian package `nsd`) on a free high
 * port, serving zones the test writes. Started by the suite itself where NSD is installed; where it
 * is not, `nsdUnavailableReason()` says why and the suite reports itself skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NSD = '/usr/sbin/nsd';

/** Why NSD cannot be started here, or undefined when it can. */
export function nsdUnavailableReason(): string | undefined {
  if (!existsSync(NSD)) return 'NSD is not installed (apt-get install nsd)';
  return undefined;
}

/** A running NSD. */
export interface DnsServer {
  /** `127.0.0.1:PORT`, for `--resolver` and `Resolver.setServers`. */
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Zones by name; each value is the zone's records in zone-file syntax, names relative to the zone
 * (`@ TXT "v=spf1 -all"`, `s1._domainkey CNAME s1.domainkey.u1.wl.sendgrid.net.`). SOA and NS are added.
 */
export type Zones = Readonly<Record<string, readonly string[]>>;

/** Start NSD serving `zones` on a free loopback port; resolves once it answers. */
export async function startNsd(zones: Zones, ttlSeconds = 300): Promise<DnsServer> {
  const directory = mkdtempSync(join(tmpdir(), 'mailover-nsd-'));
  for (const [zone, records] of Object.entries(zones)) {
    writeFileSync(
      join(directory, `${zone}.zone`),
      [
        `$ORIGIN ${zone}.`,
        `$TTL ${ttlSeconds}`,
        `@ IN SOA ns.${zone}. hostmaster.${zone}. 1 3600 600 86400 ${ttlSeconds}`,
        `@ IN NS ns.${zone}.`,
        ...records,
        '',
      ].join('\n'),
    );
  }
  let lastError: unknown;
  // A port found free can be taken before NSD binds it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeUdpPort();
    writeFileSync(join(directory, 'nsd.conf'), config(directory, port, Object.keys(zones)));
    const child = spawn(NSD, ['-d', '-c', join(directory, 'nsd.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitUntilAnswering(child, port, Object.keys(zones)[0]!, () => stderr);
      return {
        address: `127.0.0.1:${port}`,
        port,
        async stop() {
          await stopChild(child);
          rmSync(directory, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await stopChild(child);
    }
  }
  rmSync(directory, { recursive: true, force: true });
  throw lastError;
}

function config(directory: string, port: number, zones: readonly string[]): string {
  return [
    'server:',
    '  ip-address: 127.0.0.1',
    `  port: ${port}`,
    // Running as whoever runs the tests: no privilege drop, no chroot, every file in our directory.
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${directory}"`,
    `  pidfile: "${join(directory, 'nsd.pid')}"`,
    '  database: ""',
    `  xfrdfile: "${join(directory, 'xfrd.state')}"`,
    `  zonelistfile: "${join(directory, 'zone.list')}"`,
    `  xfrdir: "${directory}"`,
    `  logfile: "${join(directory, 'nsd.log')}"`,
    '  server-count: 1',
    '  verbosity: 1',
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap((zone) => ['zone:', `  name: ${zone}`, `  zonefile: ${zone}.zone`]),
    '',
  ].join('\n');
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(
  child: ChildProcess,
  port: number,
  zone: string,
  stderr: () => string,
): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nsd exited (${child.exitCode}): ${stderr().trim()}`);
    try {
      await resolver.resolveNs(zone);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nsd did not answer on 127.0.0.1:${port} within 10 s: ${stderr().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
