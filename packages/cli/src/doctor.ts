/** `mailover doctor <domain>`: can each provider of the chain send as this domain? See @mailover/doctor. */
import { ConfigurationError } from '@mailover/core';
import type { Output } from './index.js';

/** Flags that take a value, and whether they may repeat. */
const VALUE_FLAGS = new Set([
  '--resolver',
  '--providers',
  '--dkim',
  '--return-path',
  '--sending-domain',
  '--timeout',
]);

/** Run the doctor; resolves to the exit code: 0 no failure, 1 a check failed, 2 bad usage. */
export async function doctor(
  rest: readonly string[],
  json: boolean,
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { checkDomain, formatReport, DOCTOR_PROVIDER_KINDS } = await import('@mailover/doctor');
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index]!;
    if (!argument.startsWith('--')) {
      positional.push(argument);
      continue;
    }
    const [flag = '', inline] = argument.split(/=(.*)/s, 2);
    if (!VALUE_FLAGS.has(flag)) return usage(output, `unknown flag ${flag}`);
    const value = inline ?? rest[++index];
    if (value === undefined || value === '') return usage(output, `${flag} needs a value`);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  if (positional.length !== 1)
    return usage(output, 'give exactly one domain: the domain of your From address');

  const kinds = (values.get('--providers')?.join(',') ?? 'sendgrid,ses,mailgun,postmark')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = kinds.find((kind) => !(DOCTOR_PROVIDER_KINDS as readonly string[]).includes(kind));
  if (unknown)
    return usage(
      output,
      `--providers: unknown provider '${unknown}' (known: ${DOCTOR_PROVIDER_KINDS.join(', ')})`,
    );
  const perKind = (flag: string): Map<string, string> | string => {
    const map = new Map<string, string>();
    for (const entry of values.get(flag) ?? []) {
      const [kind = '', value = ''] = entry.split(/=(.*)/s, 2);
      if (!kinds.includes(kind) || value === '')
        return `${flag} takes <provider>=<value> for a provider in --providers, got '${entry}'`;
      map.set(kind, value);
    }
    return map;
  };
  const dkim = perKind('--dkim');
  const returnPath = perKind('--return-path');
  if (typeof dkim === 'string') return usage(output, dkim);
  if (typeof returnPath === 'string') return usage(output, returnPath);
  const timeout = values.get('--timeout')?.at(-1);
  const timeoutMs = timeout === undefined ? undefined : Number(timeout);
  const sendingDomain = values.get('--sending-domain')?.at(-1);

  const providers = kinds.map((kind) => ({
    kind: kind as (typeof DOCTOR_PROVIDER_KINDS)[number],
    ...(dkim.has(kind) ? { dkimSelectors: dkim.get(kind)!.split(',') } : {}),
    ...(returnPath.has(kind) ? { returnPathDomain: returnPath.get(kind)! } : {}),
    ...(kind === 'mailgun' && sendingDomain ? { sendingDomain } : {}),
  }));
  try {
    const report = await checkDomain(positional[0]!, {
      providers,
      env,
      ...(values.has('--resolver') ? { resolver: values.get('--resolver')!.at(-1)! } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    output.out(json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return usage(output, error.message);
    throw error;
  }
}

function usage(output: Output, message: string): number {
  output.err(`mailover doctor: ${message}`);
  return 2;
}
