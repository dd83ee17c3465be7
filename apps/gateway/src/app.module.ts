import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@lsc/service-kit';
import type { GatewayConfig } from './config';

/** The gateway keeps no data of its own: Redis only, for the shared rate-limit counters. */
@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return { module: AppModule, imports: [ServiceKitModule.forRoot({ config, redis: true })] };
  }
}
