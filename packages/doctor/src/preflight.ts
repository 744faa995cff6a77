/**
 * `preflight(mailer, domain)`: the doctor for the chain a mailer was created with, at start-up.
 * Every provider that cannot send as the domain with aligned DKIM is a warning, so a failover
 * target that would bounce is found before an outage needs it (docs/doctor.md#preflight).
 */
import type { Provider } from '@mailover/core';
import { checkDomain } from './check-domain.js';
import type { CheckDomainOptions, DomainReport, DoctorProvider, ProviderReport } from './types.js';

/** Options of {@link preflight}: those of `checkDomain` (its `providers` come from the mailer) and where warnings go. */
export interface PreflightOptions extends Omit<CheckDomainOptions, 'providers'> {
  /** Settings for some of the mailer's providers, by id (DKIM selectors, return path, endpoint…). Default: none. */
  readonly settings?: Readonly<Record<string, Omit<DoctorProvider, 'kind' | 'id'>>>;
  /** Called once per provider whose verdict is not `ready`. Default: `process.emitWarning` with its summary. */
  readonly onWarning?: (report: ProviderReport) => void;
}

/** Check `domain` for every provider of `mailer`, warn about each one not ready, and resolve to the report. */
export async function preflight(
  mailer: { readonly providers: readonly Pick<Provider, 'id' | 'kind'>[] },
  domain: string,
  options: PreflightOptions = {},
): Promise<DomainReport> {
  const { settings = {}, onWarning = warn, ...rest } = options;
  const report = await checkDomain(domain, {
    ...rest,
    providers: mailer.providers.map(
      (provider) => ({ ...settings[provider.id], kind: provider.kind, id: provider.id }) as DoctorProvider,
    ),
  });
  for (const provider of report.providers) if (provider.verdict !== 'ready') onWarning(provider);
  return report;
}

function warn(report: ProviderReport): void {
  process.emitWarning(`${report.id} (${report.verdict}): ${report.summary}`, { code: 'MAILOVER_PREFLIGHT' });
}
