/**
 * A real greylister on loopback for the end-to-end suite: Postfix on 127.0.0.1:2525 with postgrey
 * as its policy service, as described in docs/greylisting.md, and on 127.0.0.1:2526 without it and
 * with a recipient limit of 2 a transaction. Started by the suite itself
 * where Postfix and postgrey are installed (`.ci/run` installs them); otherwise the suite reports
 * itself skipped with the reason.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MARKER = '# configured by mailover test/real-greylister';
export const SMTP_PORT = 2525;
/** The same Postfix without postgrey and with `smtpd_recipient_limit = 2`: a relay's recipient limit. */
export const LIMITED_PORT = 2526;
export const RECIPIENT_LIMIT = 2;
const POLICY_PORT = 10023;
export const TEST_DOMAIN = 'example.test';

export interface RealGreylister {
  readonly host: string;
  readonly port: number;
  /** A port of the same Postfix that takes {@link RECIPIENT_LIMIT} recipients a transaction and does not greylist. */
  readonly limitedPort: number;
  readonly domain: string;
  /** Postfix's log lines about one recipient (to confirm what was really accepted). */
  logFor(recipient: string): string[];
  stop(): Promise<void>;
}

/** Why the suite cannot run here, or undefined when it can. */
export function unavailableReason(): string | undefined {
  if (!existsSync('/usr/sbin/postfix') || !existsSync('/usr/sbin/postgrey')) {
    return 'Postfix and postgrey are not installed (apt-get install postfix postgrey; .ci/run does it)';
  }
  if (process.getuid?.() !== 0) return 'starting Postfix needs root';
  const mainCf = '/etc/postfix/main.cf';
  const configured = existsSync(mainCf) && readFileSync(mainCf, 'utf8').includes(MARKER);
  if (!configured && spawnSync('/usr/sbin/postfix', ['status']).status === 0) {
    return 'a Postfix with its own configuration is running here; the suite will not reconfigure it';
  }
  return undefined;
}

/**
 * Configure and start Postfix + a fresh postgrey (`delaySeconds` greylisting delay, keyed by /24),
 * accepting mail for `domains` (several domains behind the one greylisting server).
 */
export async function startRealGreylister(
  delaySeconds: number,
  domains: readonly string[] = [TEST_DOMAIN],
): Promise<RealGreylister> {
  const postconf = (...settings: string[]) => run('/usr/sbin/postconf', settings);
  await postconf(
    '-e',
    'inet_interfaces = loopback-only',
    'inet_protocols = ipv4',
    'mydestination =',
    `relay_domains = ${domains.join(', ')}`,
    `transport_maps = inline:{${domains.map((domain) => `${domain}=discard:`).join(', ')}}`,
    `smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:${POLICY_PORT}`,
    'mynetworks = 127.0.0.1/32',
    'maillog_file = /var/log/postfix.log',
    'smtpd_helo_required = yes',
    'smtpd_client_connection_rate_limit = 0',
  );
  await run('/bin/sh', [
    '-c',
    `grep -q '${MARKER}' /etc/postfix/main.cf || echo '${MARKER}' >> /etc/postfix/main.cf`,
  ]);
  await run('/usr/sbin/postconf', ['-M#', 'smtp/inet']).catch(() => undefined);
  await postconf('-M', `${SMTP_PORT}/inet=${SMTP_PORT} inet n - n - - smtpd`);
  await postconf(
    '-M',
    `${LIMITED_PORT}/inet=${LIMITED_PORT} inet n - n - - smtpd -o smtpd_recipient_limit=${RECIPIENT_LIMIT} -o smtpd_recipient_restrictions=reject_unauth_destination`,
  );

  // A fresh postgrey database every run, so earlier runs' triplets do not pass.
  const dbdir = mkdtempSync(join(tmpdir(), 'mailover-postgrey-'));
  const pidfile = join(dbdir, 'postgrey.pid');
  await run('/bin/chown', ['postgrey:postgrey', dbdir]); // postgrey drops root before opening its database
  await stopOldPostgrey();
  await run('/usr/sbin/postgrey', [
    `--inet=127.0.0.1:${POLICY_PORT}`,
    `--delay=${delaySeconds}`,
    `--dbdir=${dbdir}`,
    `--pidfile=${pidfile}`,
    '--daemonize',
  ]);
  if (spawnSync('/usr/sbin/postfix', ['status']).status === 0) await run('/usr/sbin/postfix', ['reload']);
  else await run('/usr/sbin/postfix', ['start']);
  await waitForPort(SMTP_PORT, 15_000);
  await waitForPort(LIMITED_PORT, 15_000);
  await waitForPort(POLICY_PORT, 15_000);
  const logStart = existsSync('/var/log/postfix.log') ? readFileSync('/var/log/postfix.log').length : 0;

  return {
    host: '127.0.0.1',
    port: SMTP_PORT,
    limitedPort: LIMITED_PORT,
    domain: TEST_DOMAIN,
    logFor(recipient) {
      if (!existsSync('/var/log/postfix.log')) return [];
      return readFileSync('/var/log/postfix.log')
        .subarray(logStart)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.includes(`<${recipient}>`));
    },
    async stop() {
      await killPidfile(pidfile);
      await run('/usr/sbin/postfix', ['stop']).catch(() => undefined);
      rmSync(dbdir, { recursive: true, force: true });
    },
  };
}

async function stopOldPostgrey(): Promise<void> {
  // Only postgrey processes this suite started (they carry our dbdir prefix).
  await run('/bin/sh', ['-c', "pkill -f 'postgre[y] .*mailover-postgrey-' || true"]);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await portOpen(POLICY_PORT))) await sleep(100);
}

async function killPidfile(pidfile: string): Promise<void> {
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
