/**
 * Run the observable service: `npx -y pnpm@10 --filter @mailover/example-observability start`.
 * `PORT` picks the port (default 3000); `--traffic` plays the demo traffic (SendGrid outage, SES
 * rate limits, greylisting) in a loop, so a Prometheus scraping `/metrics` has something to show.
 */
import { startService } from './service.js';
import { runTraffic } from './traffic.js';

const service = await startService({ port: Number(process.env.PORT ?? 3000) });
console.log(`mailover service on ${service.url}`);
console.log(`  POST ${service.url}/send      {"from","to","subject","text"}`);
console.log(`  GET  ${service.metricsUrl}    Prometheus metrics`);
console.log(`  sandbox (the providers) on ${service.sandbox.url}`);

const stop = async () => {
  await service.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

if (process.argv.includes('--traffic')) {
  for (;;) {
    await runTraffic(service, {
      onPhase: (phase) => console.log(`traffic: ${phase.name} for ${phase.seconds} s`),
    });
  }
}
