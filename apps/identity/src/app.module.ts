import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreSchema1764200000000 } from '@lsc/event-sourcing';
import { MessagingModule } from '@lsc/messaging';
import { ServiceKitModule } from '@lsc/service-kit';
import { identityProviders } from './app/providers';
import { StaffTwoFactorService } from './app/staff-two-factor.service';
import { SecondFactorController, StaffTwoFactorAdminController } from './http/second-factor.controller';
import { ProfileService } from './app/profile.service';
import { RegistrationService } from './app/registration.service';
import { SessionsService } from './app/sessions.service';
import { SmsCodeRequests } from './app/sms-code-requests';
import type { IdentityConfig } from './config';
import { AccountLocksService } from './app/account-locks.service';
import { AccountLocksController } from './http/account-locks.controller';
import { MeController } from './http/me.controller';
import { PublicController } from './http/public.controller';
import { SessionsController } from './http/sessions.controller';
import { IdentitySchema1764300000000 } from './migrations/1764300000000-identity-schema';
import { IdentityStaffLocks1764300000001 } from './migrations/1764300000001-identity-staff-locks';
import { IdentityStaffAccounts1764300000002 } from './migrations/1764300000002-identity-staff-accounts';
import { IdentityStaffTwoFactor1764300000003 } from './migrations/1764300000003-identity-staff-two-factor';
import { StaffAccountsService } from './app/staff-accounts.service';
import { StaffAccountsController, StaffPasswordController } from './http/staff-accounts.controller';

@Module({})
export class AppModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [EventStoreSchema1764200000000, IdentitySchema1764300000000, IdentityStaffLocks1764300000001, IdentityStaffAccounts1764300000002, IdentityStaffTwoFactor1764300000003] }, redis: true, kafka: true }),
        // identity only publishes (through the outbox); it consumes nothing.
        MessagingModule.forRoot({}),
      ],
      controllers: [PublicController, SessionsController, MeController, AccountLocksController, StaffAccountsController, StaffPasswordController, SecondFactorController, StaffTwoFactorAdminController],
      providers: [...identityProviders, RegistrationService, SessionsService, ProfileService, AccountLocksService, SmsCodeRequests, StaffAccountsService, StaffTwoFactorService],
    };
  }
}
