import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@lsc/service-kit';
import type { IdentityConfig } from './config';

@Module({})
export class AppModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [] }, redis: true, kafka: true })],
    };
  }
}
