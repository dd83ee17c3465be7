import { Injectable } from '@nestjs/common';
import {
  CertificateMailed,
  EmailChanged,
  InstitutionNameChanged,
  InstitutionRegistered,
  InvoiceIssued,
  MembershipActivated,
  MembershipEnteredGrace,
  MembershipExpired,
  TransferFollowUpRequested,
  type Contract,
  type EventOf,
} from '@lsc/contracts';
import { KafkaEventRouter } from '@lsc/messaging';
import { enqueueDelivery, wakeDeliveriesOf } from '../deliveries/delivery-store';
import { DeliveryWorker } from '../deliveries/delivery-worker';
import { recordEmail, recordName, recordRegistration } from '../recipients/recipient-store';
import type { TemplateName } from '../templates';
import { registerRenewalNotices } from './renewal-notices';

/**
 * Consumer side: every handler runs in the router's inbox transaction, so the recipient update or the delivery row
 * commits together with "event seen" — a redelivered event finds its inbox row and changes nothing. No mail is sent
 * here; the DeliveryWorker does that.
 */
@Injectable()
export class NotificationHandlers {
  constructor(router: KafkaEventRouter, worker: DeliveryWorker) {
    const nudge = () => worker.nudge();
    router.on(InstitutionRegistered, async (event, { client, afterCommit }) => {
      const { institutionId, name, email, registeredAt } = event.data;
      await recordRegistration(client, { institutionId, name, email, at: registeredAt });
      await wakeDeliveriesOf(client, institutionId);
      await enqueueDelivery(client, { sourceKey: event.eventId, template: 'institution-registered', institutionId, payload: event.data });
      afterCommit(nudge);
    });
    router.on(EmailChanged, async (event, { client, afterCommit }) => {
      await recordEmail(client, { institutionId: event.data.institutionId, email: event.data.email, at: event.data.changedAt });
      await wakeDeliveriesOf(client, event.data.institutionId);
      afterCommit(nudge);
    });
    router.on(InstitutionNameChanged, async (event, { client }) => {
      await recordName(client, { institutionId: event.data.institutionId, name: event.data.name, at: event.data.changedAt });
    });

    // Application, payment, reminder and reversal mails (kind-aware wording, partial/over-payment, cancellation).
    registerRenewalNotices(router, nudge);
    mailFor(router, nudge, MembershipActivated, 'membership-activated');
    mailFor(router, nudge, InvoiceIssued, 'invoice-issued');
    mailFor(router, nudge, MembershipEnteredGrace, 'membership-entered-grace');
    mailFor(router, nudge, MembershipExpired, 'membership-expired');
    mailFor(router, nudge, CertificateMailed, 'certificate-mailed');
    // Finance's follow-up on an unmatched credit, from billing's record of it; one mail per (credit, institution).
    router.on(TransferFollowUpRequested, async (event, { client, afterCommit }) => {
      const { transferId, institutionId } = event.data;
      await enqueueDelivery(client, { sourceKey: `transfer-followup:${transferId}:${institutionId}`, template: 'transfer-unmatched', institutionId, payload: event.data });
      afterCommit(nudge);
    });
  }
}

/** One mail per event: the delivery is keyed by (event id, template), so a duplicate insert is a no-op. */
function mailFor<C extends Contract>(router: KafkaEventRouter, nudge: () => void, contract: C, template: TemplateName, toPayload: (data: EventOf<C>['data']) => object = (d) => d as object): void {
  router.on(contract, async (event, { client, afterCommit }) => {
    const data = event.data as EventOf<C>['data'] & { institutionId: string };
    await enqueueDelivery(client, { sourceKey: event.eventId, template, institutionId: data.institutionId, payload: toPayload(data) });
    afterCommit(nudge);
  });
}
