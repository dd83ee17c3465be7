import 'reflect-metadata';
import { rebuildCommand } from '@lsc/messaging';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { loadMembershipConfig } from './config';

async function main(): Promise<void> {
  const config = loadMembershipConfig();
  await bootstrapService(AppModule.register(config), config, {
    consumer: { groupId: 'membership' },
    openApi: { title: 'membership', description: 'Membership — 会员申请、续费与会员生命周期' },
    commands: { rebuild: rebuildCommand },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
