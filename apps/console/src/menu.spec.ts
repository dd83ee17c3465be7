import { describe, expect, it } from 'vitest';
import { canUse, homeFor, menuFor, rolesForPath } from './menu';

const paths = (roles: string[]) => menuFor(roles).flatMap((g) => g.items.map((i) => i.path));

describe('role-based menu', () => {
  it('finance sees the finance pages only', () => {
    expect(paths(['finance'])).toEqual(['/finance/import', '/finance/transfers', '/finance/review', '/finance/unmatched', '/finance/invoices', '/finance/reports', '/finance/fees']);
    expect(menuFor(['finance']).map((g) => g.title)).toEqual(['财务']);
  });
  it('member_admin sees membership administration but not the lifecycle run or staff accounts', () => {
    expect(paths(['member_admin'])).toEqual(['/members/memberships', '/members/certificates', '/members/deliveries']);
  });
  it('super_admin sees everything; several roles add up', () => {
    expect(paths(['super_admin'])).toContain('/admin/staff');
    expect(paths(['super_admin'])).toContain('/members/lifecycle');
    expect(paths(['finance', 'member_admin'])).toEqual([...paths(['finance']), ...paths(['member_admin'])]);
  });
  it('an institution account sees nothing and lands on the no-access page', () => {
    expect(menuFor(['institution'])).toEqual([]);
    expect(homeFor(['institution'])).toBe('/no-access');
    expect(homeFor(['member_admin'])).toBe('/members/memberships');
  });
  it('guards deep links by the same roles, including sub-pages', () => {
    expect(rolesForPath('/finance/transfers/3f0c')).toEqual(['finance', 'super_admin']);
    expect(canUse(['member_admin'], rolesForPath('/finance/reports')!)).toBe(false);
    expect(canUse(['finance'], rolesForPath('/admin/staff')!)).toBe(false);
    expect(rolesForPath('/no-access')).toBeUndefined();
  });
});
