import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventStoreSchema1764200000000, PostgresEventStore } from '@lsc/event-sourcing';
import { MessagingModule, PG_POOL } from '@lsc/messaging';
import { ServiceKitModule } from '@lsc/service-kit';
import { CONFIG, LOGGER } from '@lsc/service-kit';
import type { Logger } from 'pino';
import type { BillingConfig } from './config';
import { BillingEventHandlers, consumerController } from './consumers/billing-consumers';
import { FeeSchedules } from './fees/fee-schedules';
import { FeesController } from './http/fees.controller';
import { InvoicesController } from './http/invoices.controller';
import { OrdersController } from './http/orders.controller';
import { ReportsController } from './http/reports.controller';
import { StatementsController } from './http/statements.controller';
import { StatementImporter } from './imports/statement-importer';
import { TransferActions } from './imports/transfer-actions';
import { INVOICE_ISSUER } from './invoices/invoice-issuer';
import { createInvoiceIssuer } from './invoices/issuer-selection';
import { Invoices } from './invoices/invoices';
import { UnmatchedTransferMetrics } from './metrics/unmatched-transfers';
import { BillingSchema1764400000000 } from './migrations/1764400000000-billing-schema';
import { BillingConsole1764400000100 } from './migrations/1764400000100-billing-console';
import { TransfersController } from './http/transfers.controller';
import { StaffDirectory } from './imports/staff-directory';
import { TransferSetAsideActions } from './imports/transfer-set-aside-actions';
import { TransferFollowUps } from './imports/transfer-follow-ups';
import { REPORT_CLOCK, systemClock } from './reports/clock';
import { FeeScheduleAnnouncements1765100000000 } from './migrations/1765100000000-fee-schedule-announcements';
import { BillingFourEyes1765200000000 } from './migrations/1765200000000-billing-four-eyes';
import { PaymentOrders } from './orders/payment-orders';
import { ImportJobs } from './imports/jobs/import-jobs';
import { StatementImportWorker, StatementImportWorkerLifecycle } from './imports/jobs/import-worker';
import { StatementImportJobs1765200000100 } from './migrations/1765200000100-statement-import-jobs';
import { billingUpcasters } from './upcasters';

@Module({})
export class AppModule {
  static register(config: BillingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [EventStoreSchema1764200000000, BillingSchema1764400000000, BillingConsole1764400000100, FeeScheduleAnnouncements1765100000000, BillingFourEyes1765200000000, StatementImportJobs1765200000100] }, redis: true, kafka: true }),
        // Billing consumes its own topic too: PaymentOrderPaid → invoice, after the payment has committed.
        MessagingModule.forRoot({ consumerGroup: 'billing', consumedTopics: [config.MEMBERSHIP_TOPIC, config.IDENTITY_TOPIC, config.BILLING_TOPIC], upcasters: billingUpcasters }),
      ],
      controllers: [consumerController([config.MEMBERSHIP_TOPIC, config.IDENTITY_TOPIC, config.BILLING_TOPIC]), FeesController, OrdersController, StatementsController, InvoicesController, ReportsController, TransfersController],
      providers: [
        FeeSchedules,
        PaymentOrders,
        TransferActions,
        Invoices,
        BillingEventHandlers,
        UnmatchedTransferMetrics,
        StaffDirectory,
        TransferSetAsideActions,
        TransferFollowUps,
        { provide: REPORT_CLOCK, useValue: systemClock },
        {
          provide: INVOICE_ISSUER,
          useFactory: (c: BillingConfig) => createInvoiceIssuer(c),
          inject: [CONFIG],
        },
        {
          provide: StatementImporter,
          useFactory: (pool: Pool, store: PostgresEventStore, orders: PaymentOrders, c: BillingConfig) =>
            new StatementImporter(pool, store, orders, { billingTopic: c.BILLING_TOPIC, autoThreshold: c.RECONCILE_AUTO_THRESHOLD_PERCENT / 100, fourEyesFen: c.FOUR_EYES_FEN }),
          inject: [PG_POOL, PostgresEventStore, PaymentOrders, CONFIG],
        },
        { provide: ImportJobs, useFactory: (pool: Pool) => new ImportJobs(pool), inject: [PG_POOL] },
        {
          provide: StatementImportWorker,
          useFactory: (jobs: ImportJobs, importer: StatementImporter, logger: Logger) => new StatementImportWorker(jobs, importer, logger),
          inject: [ImportJobs, StatementImporter, LOGGER],
        },
        { provide: StatementImportWorkerLifecycle, useFactory: (w: StatementImportWorker) => new StatementImportWorkerLifecycle(w), inject: [StatementImportWorker] },
      ],
    };
  }
}
