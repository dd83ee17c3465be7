import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type {
  ApplicationCancelledV1,
  ApplicationSubmittedV1,
  MailingAddressChangedV1,
  MembershipExpiringV2,
  MembershipPaymentReversedV1,
  MembershipPaymentReversedV2,
  OverpaymentRecordedV1,
  PayeeV1,
  CertificateMailedV1,
  InstitutionRegisteredV1,
  InvoiceIssuedV1,
  MembershipActivatedV1,
  MembershipLifecycleV1,
  PaymentOrderIssuedV2,
  PaymentOrderSettlementV1,
  TransferFollowUpRequestedV1,
} from '@lsc/contracts';
import { templateHelpers } from './helpers';

/** What every mail needs besides the event: who we write to and how to reach the society. */
export interface MailContext {
  /** 机构名称 as registered (some events do not carry it). */
  readonly institutionName: string;
  /** The portal's front page, and the page this mail is about (see portal-links.ts). */
  readonly portalUrl: string;
  readonly actionUrl: string;
  readonly actionLabel: string;
  readonly contactPhone: string;
  readonly contactEmail: string;
}

/** Added by notification from its own records (billing's events do not carry them); absent when not known yet. */
export interface KindOfApplication {
  readonly kind?: 'new' | 'renewal';
}
export interface OrderPayment {
  readonly payee: PayeeV1;
  readonly transferRemark: string;
  readonly paymentCode: string;
}

export interface TemplateDataMap {
  'institution-registered': InstitutionRegisteredV1;
  /** v1 orders are upcast (coverage null): the mail then states no coverage rather than a guess. */
  'payment-order-issued': PaymentOrderIssuedV2 & KindOfApplication;
  'mailing-address-confirmation': ApplicationSubmittedV1;
  'payment-received': PaymentOrderSettlementV1 & KindOfApplication;
  'payment-partially-received': PaymentOrderSettlementV1 & KindOfApplication & { readonly remainingFen: number; readonly order?: OrderPayment };
  'overpayment-recorded': OverpaymentRecordedV1 & KindOfApplication;
  'application-cancelled': ApplicationCancelledV1 & KindOfApplication;
  'mailing-address-changed': MailingAddressChangedV1;
  'membership-payment-reversed': MembershipPaymentReversedV2 | (MembershipPaymentReversedV1 & { readonly undone: 'membership' });
  'membership-activated': MembershipActivatedV1;
  'invoice-issued': InvoiceIssuedV1;
  'membership-expiring': MembershipLifecycleV1 & Pick<MembershipExpiringV2, 'daysLeft' | 'pendingRenewal'>;
  'membership-entered-grace': MembershipLifecycleV1;
  'membership-expired': MembershipLifecycleV1;
  'certificate-mailed': CertificateMailedV1;
  /** Finance's follow-up on an unmatched credit: billing's record of it, the payer's account masked. */
  'transfer-unmatched': TransferFollowUpRequestedV1;
}

export type TemplateName = keyof TemplateDataMap;
export type TemplateData<N extends TemplateName> = TemplateDataMap[N] & MailContext;

export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'institution-registered',
  'payment-order-issued',
  'mailing-address-confirmation',
  'payment-received',
  'membership-activated',
  'invoice-issued',
  'membership-expiring',
  'membership-entered-grace',
  'membership-expired',
  'certificate-mailed',
  'transfer-unmatched',
  'payment-partially-received',
  'overpayment-recorded',
  'application-cancelled',
  'mailing-address-changed',
  'membership-payment-reversed',
];

export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

type Compiled = (data: object) => string;
interface CompiledTemplate {
  readonly subject: Compiled;
  readonly html: Compiled;
  readonly text: Compiled;
}

/** An isolated instance, so our helpers/partials never leak into (or get overridden by) other Handlebars users. */
const hbs = Handlebars.create();
for (const [name, helper] of Object.entries(templateHelpers)) hbs.registerHelper(name, helper);

const DIR = __dirname;
const read = (...parts: string[]): string => readFileSync(join(DIR, ...parts), 'utf8');
hbs.registerPartial('layout', read('_partials', 'layout.html.hbs'));
hbs.registerPartial('footer', read('_partials', 'footer.text.hbs'));

const cache = new Map<TemplateName, CompiledTemplate>();

function compiled(name: TemplateName): CompiledTemplate {
  let template = cache.get(name);
  if (!template) {
    // strict: a missing field is a bug to surface in tests, not a blank in a member's inbox.
    const plain = { strict: true, noEscape: true } as const;
    template = {
      subject: hbs.compile(read(name, 'subject.hbs'), plain),
      html: hbs.compile(read(name, 'html.hbs'), { strict: true }),
      text: hbs.compile(read(name, 'text.hbs'), plain),
    };
    cache.set(name, template);
  }
  return template;
}

export function renderTemplate<N extends TemplateName>(name: N, data: TemplateData<N>): RenderedMail {
  const template = compiled(name);
  return {
    subject: template.subject(data).replace(/\s+/g, ' ').trim(),
    html: template.html(data),
    text: `${template.text(data).trim()}\n`,
  };
}
