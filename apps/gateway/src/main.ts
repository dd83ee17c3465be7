import 'reflect-metadata';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { assertProductionSecrets, loadGatewayConfig } from './config';
import { configureGateway } from './gateway';
import { gatewayBodyLimit } from './route-policies';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  assertProductionSecrets(config);
  await bootstrapService(AppModule.register(config), config, {
    bodyLimitBytes: gatewayBodyLimit(),
    configureApp: (app) => configureGateway(app, config),
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
