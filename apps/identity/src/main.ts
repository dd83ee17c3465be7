// First: sizes libuv's thread pool before anything starts it.
import './threadpool';
import 'reflect-metadata';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { identityBootstrapOptions } from './bootstrap-options';
import { assertProductionSecrets, loadIdentityConfig } from './config';

async function main(): Promise<void> {
  const config = loadIdentityConfig();
  assertProductionSecrets(config);
  await bootstrapService(AppModule.register(config), config, identityBootstrapOptions);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
