import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { canUse, homeFor, rolesForPath } from './menu';
import { useSession } from './stores/session';

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: '工作人员登录', public: true } },
  { path: '/set-password', name: 'set-password', component: () => import('./pages/SetPasswordPage.vue'), meta: { title: '设置密码', public: true } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(useSession().roles) },
      { path: 'finance/import', component: () => import('./pages/finance/ImportPage.vue'), meta: { title: '银行流水导入' } },
      { path: 'finance/transfers', component: () => import('./pages/finance/TransfersPage.vue'), meta: { title: '流水列表' } },
      { path: 'finance/transfers/:id', component: () => import('./pages/finance/TransferDetailPage.vue'), props: true, meta: { title: '到账详情' } },
      { path: 'finance/review', component: () => import('./pages/finance/ReviewQueuePage.vue'), meta: { title: '待确认' } },
      { path: 'finance/unmatched', component: () => import('./pages/finance/UnmatchedPage.vue'), meta: { title: '未匹配' } },
      { path: 'finance/invoices', component: () => import('./pages/finance/InvoicesPage.vue'), meta: { title: '发票' } },
      { path: 'finance/reports', component: () => import('./pages/finance/ReportsPage.vue'), meta: { title: '报表' } },
      { path: 'finance/fees', component: () => import('./pages/finance/FeesPage.vue'), meta: { title: '会费标准' } },
      { path: 'members/memberships', component: () => import('./pages/members/MembershipsPage.vue'), meta: { title: '会员查询' } },
      { path: 'members/certificates', component: () => import('./pages/members/CertificatesPage.vue'), meta: { title: '证书寄送' } },
      { path: 'members/deliveries', component: () => import('./pages/members/DeliveriesPage.vue'), meta: { title: '邮件记录' } },
      { path: 'members/lifecycle', component: () => import('./pages/members/LifecyclePage.vue'), meta: { title: '到期与提醒' } },
      { path: 'admin/staff', component: () => import('./pages/admin/StaffPage.vue'), meta: { title: '工作人员账号' } },
      { path: 'no-access', component: () => import('./pages/NoAccessPage.vue'), meta: { title: '无权访问' } },
      { path: ':rest(.*)*', component: () => import('./pages/NoAccessPage.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/console/'), routes });

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSession();
  await session.restore();
  if (!session.principal || !session.isStaff) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  const allowed = rolesForPath(to.path);
  if (allowed && !canUse(session.roles, allowed)) return { path: '/no-access' };
  return true;
});

router.afterEach((to) => {
  document.title = `${typeof to.meta.title === 'string' ? to.meta.title : '工作台'} - 中国图书馆学会工作台`;
});
