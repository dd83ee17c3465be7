import { Upcasters } from '@lsc/event-sourcing';

/**
 * Billing's one registry of event upcasters (old stored shapes → current ones). The event store and the
 * multi-stream reads of the bulk payment path both use it, so no read path sees an old shape. None yet: register
 * here when a billing event's schema version is bumped.
 */
export const billingUpcasters = new Upcasters();
