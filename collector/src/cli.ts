#!/usr/bin/env node
// `beacon-collector start [flags]`: flags mirror the BEACON_* environment variables (see --help).
import { Command } from 'commander';
import { ConfigError, loadConfig, SETTINGS, type SettingName } from './config.js';
import { startCollector } from './index.js';

const program = new Command('beacon-collector').description('Beacon: OTLP collector for AI agent telemetry');

const start = program
  .command('start', { isDefault: true })
  .description('run the collector (OTLP gRPC + HTTP receivers, ClickHouse writer, API)');
for (const setting of Object.values(SETTINGS)) {
  const fallback = setting.default === undefined ? '' : ` (default: ${setting.default})`;
  start.option(setting.flag, `${setting.help} [env ${setting.env}]${fallback}`);
}

start.action(async (flags: Partial<Record<SettingName, string>>) => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`beacon-collector: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  let collector: Awaited<ReturnType<typeof startCollector>>;
  try {
    collector = await startCollector(config);
  } catch (err) {
    console.error(`beacon-collector: ${err instanceof ConfigError ? err.message : (err as Error).stack}`);
    process.exit(1);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      collector.logger.warn({ signal }, 'second signal: exiting without waiting for the flush');
      process.exit(1);
    }
    collector.logger.info({ signal }, 'received signal, shutting down gracefully');
    collector.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        collector.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
});

await program.parseAsync(process.argv);
