/**
 * The console's menu: each entry names the roles that may use it (the same roles the API's @Roles allow), so a
 * staff member sees only what they can do. Hiding is convenience; the API still refuses.
 */
export type StaffRole = 'finance' | 'member_admin' | 'super_admin';

export interface MenuItem {
  path: string;
  title: string;
  roles: readonly StaffRole[];
}
export interface MenuGroup {
  title: string;
  items: MenuItem[];
}

const FINANCE: readonly StaffRole[] = ['finance', 'super_admin'];
const MEMBER_ADMIN: readonly StaffRole[] = ['member_admin', 'super_admin'];

export const MENU: readonly MenuGroup[] = [
  {
    title: '财务',
    items: [
      { path: '/finance/import', title: '银行流水导入', roles: FINANCE },
      { path: '/finance/transfers', title: '流水列表', roles: FINANCE },
      { path: '/finance/review', title: '待确认', roles: FINANCE },
      { path: '/finance/unmatched', title: '未匹配', roles: FINANCE },
      { path: '/finance/invoices', title: '发票', roles: FINANCE },
      { path: '/finance/reports', title: '报表', roles: FINANCE },
      { path: '/finance/fees', title: '会费标准', roles: FINANCE },
    ],
  },
  {
    title: '会员管理',
    items: [
      { path: '/members/memberships', title: '会员查询', roles: MEMBER_ADMIN },
      { path: '/members/certificates', title: '证书寄送', roles: MEMBER_ADMIN },
      { path: '/members/deliveries', title: '邮件记录', roles: MEMBER_ADMIN },
      { path: '/members/lifecycle', title: '到期与提醒', roles: ['super_admin'] },
    ],
  },
  { title: '系统', items: [{ path: '/admin/staff', title: '工作人员账号', roles: ['super_admin'] }] },
];

export const canUse = (roles: readonly string[], allowed: readonly StaffRole[]): boolean => allowed.some((r) => roles.includes(r));

/** The groups and entries the signed-in staff member may use; empty groups are left out. */
export function menuFor(roles: readonly string[], menu: readonly MenuGroup[] = MENU): MenuGroup[] {
  return menu.map((g) => ({ ...g, items: g.items.filter((i) => canUse(roles, i.roles)) })).filter((g) => g.items.length > 0);
}

/** Where to land after sign-in: the first page the roles allow. */
export const homeFor = (roles: readonly string[]): string => menuFor(roles)[0]?.items[0]?.path ?? '/no-access';

/** The roles allowed on a path (from the menu), or undefined for pages every staff member may open. */
export const rolesForPath = (path: string, menu: readonly MenuGroup[] = MENU): readonly StaffRole[] | undefined =>
  menu.flatMap((g) => g.items).find((i) => path === i.path || path.startsWith(`${i.path}/`))?.roles;
