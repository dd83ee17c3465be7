import 'reflect-metadata';
import { rebuildCommand } from '@lsc/messaging';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { configureBillingApp } from './http/configure';
import { loadBillingConfig } from './config';

async function main(): Promise<void> {
  const config = loadBillingConfig();
  await bootstrapService(AppModule.register(config), config, {
    consumer: { groupId: 'billing' },
    openApi: { title: 'billing', description: 'Billing — 会费标准、缴费单、银行流水对账与电子发票' },
    configureApp: configureBillingApp(config),
    commands: { rebuild: rebuildCommand },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
