import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@lsc/service-kit';
import type { MembershipConfig } from './config';

@Module({})
export class AppModule {
  static register(config: MembershipConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [] }, redis: true, kafka: true })],
    };
  }
}
