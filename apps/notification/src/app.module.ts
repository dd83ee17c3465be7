import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceKitModule } from '@lsc/service-kit';
import type { NotificationConfig } from './config';

@Module({})
export class AppModule {
  static register(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [] }, redis: true, kafka: true })],
    };
  }
}
