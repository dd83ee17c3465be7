import 'reflect-metadata';
import { bootstrapService } from '@lsc/service-kit';
import { AppModule } from './app.module';
import { loadIdentityConfig } from './config';

async function main(): Promise<void> {
  const config = loadIdentityConfig();
  await bootstrapService(AppModule.register(config), config, {
    openApi: { title: 'identity', description: 'Identity — 机构账号注册、登录、验证码' },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
