import type { TemplateName } from './render-template';

/**
 * The institution portal's routes, as apps/portal defines them (agreed, keep in step): every mail links to the page it
 * is about, built from the one PUBLIC_BASE_URL setting.
 */
export const PORTAL_ROUTES = {
  home: '/',
  login: '/login',
  register: '/register',
  apply: '/apply',
  renew: '/renew',
  application: (applicationId: string) => `/applications/${encodeURIComponent(applicationId)}`,
  payment: (applicationId: string) => `/applications/${encodeURIComponent(applicationId)}/payment`,
  orders: '/orders',
  profile: '/profile',
} as const;

export interface PortalLink {
  /** The portal's front page (the footer's 会员管理与服务平台 link). */
  readonly portalUrl: string;
  /** The page this mail is about. */
  readonly actionUrl: string;
  /** What the link does, e.g. 查看支付信息. */
  readonly actionLabel: string;
}

const applicationIdOf = (payload: Record<string, unknown>): string | undefined => (typeof payload.applicationId === 'string' && payload.applicationId.length > 0 ? payload.applicationId : undefined);

function pathFor(template: TemplateName, payload: Record<string, unknown>): { path: string; label: string } {
  const applicationId = applicationIdOf(payload);
  switch (template) {
    case 'institution-registered':
      return { path: PORTAL_ROUTES.apply, label: '申请入会' };
    case 'payment-order-issued':
      return applicationId ? { path: PORTAL_ROUTES.payment(applicationId), label: '查看支付信息' } : { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'mailing-address-confirmation':
      return applicationId ? { path: PORTAL_ROUTES.application(applicationId), label: '确认申请信息与邮寄地址' } : { path: PORTAL_ROUTES.profile, label: '确认邮寄地址' };
    case 'payment-received':
      return applicationId ? { path: PORTAL_ROUTES.payment(applicationId), label: '查看缴费结果' } : { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'invoice-issued':
      return { path: PORTAL_ROUTES.orders, label: '查看订单与发票' };
    case 'membership-expiring':
    case 'membership-entered-grace':
    case 'membership-expired':
      return { path: PORTAL_ROUTES.renew, label: '办理续费' };
    case 'transfer-unmatched':
      return { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'membership-activated':
    case 'certificate-mailed':
      return { path: PORTAL_ROUTES.home, label: '查看会员信息' };
    case 'payment-partially-received':
      return applicationId ? { path: PORTAL_ROUTES.payment(applicationId), label: '查看支付信息' } : { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'membership-payment-reversed':
      return applicationId ? { path: PORTAL_ROUTES.payment(applicationId), label: '查看支付信息' } : { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'overpayment-recorded':
      return { path: PORTAL_ROUTES.orders, label: '查看我的订单' };
    case 'application-cancelled':
      return { path: PORTAL_ROUTES.home, label: '查看会员信息' };
    case 'mailing-address-changed':
      return applicationId ? { path: PORTAL_ROUTES.application(applicationId), label: '查看寄送地址' } : { path: PORTAL_ROUTES.home, label: '查看会员信息' };
  }
}

/** Pure: the portal links of one mail. `publicBaseUrl` may carry a path prefix (e.g. https://lsc.org.cn/member). */
export function portalLinkFor(template: TemplateName, payload: Record<string, unknown>, publicBaseUrl: string): PortalLink {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const { path, label } = pathFor(template, payload);
  return { portalUrl: `${base}/`, actionUrl: `${base}${path}`, actionLabel: label };
}
