import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventStoreSchema1764200000000, PostgresEventStore } from '@lsc/event-sourcing';
import { MessagingModule, PG_POOL } from '@lsc/messaging';
import { ServiceKitModule } from '@lsc/service-kit';
import { CONFIG } from '@lsc/service-kit';
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
import { BuiltInInvoiceIssuer, INVOICE_ISSUER } from './invoices/invoice-issuer';
import { Invoices } from './invoices/invoices';
import { UnmatchedTransferMetrics } from './metrics/unmatched-transfers';
import { BillingSchema1764400000000 } from './migrations/1764400000000-billing-schema';
import { FeeScheduleAnnouncements1765100000000 } from './migrations/1765100000000-fee-schedule-announcements';
import { PaymentOrders } from './orders/payment-orders';
import { billingUpcasters } from './upcasters';

@Module({})
export class AppModule {
  static register(config: BillingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ config, database: { entities: [], migrations: [EventStoreSchema1764200000000, BillingSchema1764400000000, FeeScheduleAnnouncements1765100000000] }, redis: true, kafka: true }),
        // Billing consumes its own topic too: PaymentOrderPaid → invoice, after the payment has committed.
        MessagingModule.forRoot({ consumerGroup: 'billing', consumedTopics: [config.MEMBERSHIP_TOPIC, config.IDENTITY_TOPIC, config.BILLING_TOPIC], upcasters: billingUpcasters }),
      ],
      controllers: [consumerController([config.MEMBERSHIP_TOPIC, config.IDENTITY_TOPIC, config.BILLING_TOPIC]), FeesController, OrdersController, StatementsController, InvoicesController, ReportsController],
      providers: [
        FeeSchedules,
        PaymentOrders,
        TransferActions,
        Invoices,
        BillingEventHandlers,
        UnmatchedTransferMetrics,
        {
          provide: INVOICE_ISSUER,
          useFactory: (c: BillingConfig) =>
            new BuiltInInvoiceIssuer({ seller: { name: c.SELLER_NAME, creditCode: c.SELLER_CREDIT_CODE }, provinceCode: c.INVOICE_PROVINCE_CODE, channel: c.INVOICE_CHANNEL, drawer: c.INVOICE_DRAWER }),
          inject: [CONFIG],
        },
        {
          provide: StatementImporter,
          useFactory: (pool: Pool, store: PostgresEventStore, orders: PaymentOrders, c: BillingConfig) =>
            new StatementImporter(pool, store, orders, { billingTopic: c.BILLING_TOPIC, autoThreshold: c.RECONCILE_AUTO_THRESHOLD_PERCENT / 100 }),
          inject: [PG_POOL, PostgresEventStore, PaymentOrders, CONFIG],
        },
      ],
    };
  }
}
