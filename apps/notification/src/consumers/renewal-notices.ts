import {
  ApplicationCancelled,
  ApplicationSubmitted,
  MailingAddressChanged,
  MembershipExpiring,
  MembershipExpiringV2Contract,
  MembershipPaymentReversed,
  MembershipPaymentReversedV2Contract,
  OverpaymentRecorded,
  PaymentOrderIssued,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  PaymentOrderPartiallyPaid,
  type Contract,
  type EventOf,
  type PaymentOrderIssuedV2,
  upcastPaymentOrderIssuedV1,
} from '@lsc/contracts';
import type { PoolClient } from 'pg';
import { KafkaEventRouter } from '@lsc/messaging';
import { enqueueDelivery } from '../deliveries/delivery-store';
import { applicationKindOf, orderFactsOf, recordApplicationKind, recordOrder } from '../facts/application-facts';
import type { TemplateName } from '../templates';
import { daysUntil } from './days-until';

/**
 * The mails of an application's way to a (renewed) membership, each in the wording of its kind (会员申请 or 会员续费),
 * and the notices of issue #24: partial payment, overpayment, cancelled application, reversed payment, changed
 * address. Billing's events carry no kind and a settlement no payee: both are added from what notification recorded
 * of ApplicationSubmitted and PaymentOrderIssued, in the same inbox transaction as the delivery row, so the stored
 * payload is what the mail says even if it is sent later.
 */
export function registerRenewalNotices(router: KafkaEventRouter, nudge: () => void): void {
  const mail = <C extends Contract>(contract: C, template: TemplateName, toPayload: (data: EventOf<C>['data'], client: PoolClient) => Promise<object>, before?: (data: EventOf<C>['data'], client: PoolClient) => Promise<void>) =>
    router.on(contract, async (event, { client, afterCommit }) => {
      const data = event.data as EventOf<C>['data'] & { institutionId: string };
      if (before) await before(data, client);
      await enqueueDelivery(client, { sourceKey: event.eventId, template, institutionId: data.institutionId, payload: await toPayload(data, client) });
      afterCommit(nudge);
    });
  const withKind = async <D extends { applicationId: string }>(d: D, client: PoolClient) => {
    const kind = await applicationKindOf(client, d.applicationId);
    return kind ? { ...d, kind } : { ...d };
  };

  mail(
    ApplicationSubmitted,
    'mailing-address-confirmation',
    async (d) => d,
    (d, client) => recordApplicationKind(client, { applicationId: d.applicationId, institutionId: d.institutionId, kind: d.kind }),
  );
  const recordIssued = (d: PaymentOrderIssuedV2, client: PoolClient) =>
    recordOrder(client, { orderId: d.orderId, applicationId: d.applicationId, payee: d.payee, transferRemark: d.transferRemark, paymentCode: d.paymentCode, amountDueFen: d.amountDueFen });
  // v2 states the term being paid (and its kind, should membership's ApplicationSubmitted not have been seen);
  // a v1 order is read as v2 with the coverage unknown, and its mail states none rather than a guess.
  const issuedPayload = async (d: PaymentOrderIssuedV2, client: PoolClient) => {
    const kind = (await applicationKindOf(client, d.applicationId)) ?? d.coverage?.kind;
    return kind ? { ...d, kind } : { ...d };
  };
  mail(PaymentOrderIssued, 'payment-order-issued', (d, client) => issuedPayload(upcastPaymentOrderIssuedV1(d), client), (d, client) => recordIssued(upcastPaymentOrderIssuedV1(d), client));
  mail(PaymentOrderIssuedV2Contract, 'payment-order-issued', issuedPayload, recordIssued);
  mail(PaymentOrderPaid, 'payment-received', withKind);
  mail(PaymentOrderPartiallyPaid, 'payment-partially-received', async (d, client) => {
    const order = await orderFactsOf(client, d.orderId);
    return { ...(await withKind(d, client)), remainingFen: Math.max(0, d.amountDueFen - d.amountPaidFen), ...(order ? { order } : {}) };
  });
  mail(OverpaymentRecorded, 'overpayment-recorded', withKind);
  mail(ApplicationCancelled, 'application-cancelled', withKind);
  mail(MailingAddressChanged, 'mailing-address-changed', async (d) => d);
  // v1 reminders carried only the threshold: the real count is the Shanghai calendar days from the reminder's instant.
  mail(MembershipExpiring, 'membership-expiring', async (d) => ({ ...d, daysLeft: daysUntil(d.at, d.validTo) }));
  mail(MembershipExpiringV2Contract, 'membership-expiring', async (d) => d);
  // v1 (before v2 said what was undone) only ever suspended the membership.
  mail(MembershipPaymentReversed, 'membership-payment-reversed', async (d) => ({ ...d, undone: 'membership' }));
  mail(MembershipPaymentReversedV2Contract, 'membership-payment-reversed', async (d) => d);
}
