import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSession } from './stores/session';

/**
 * Paths are fixed: the e-mails the platform sends deep-link to them. Every page is its own chunk so the first
 * page loads only what it shows.
 */
export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: () => import('./layouts/PortalLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { auth: true, title: '会员管理与服务平台' } },
      { path: 'login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录' } },
      { path: 'register', name: 'register', component: () => import('./pages/RegisterPage.vue'), meta: { title: '机构用户注册' } },
      { path: 'register/done', name: 'register-done', component: () => import('./pages/RegisterDonePage.vue'), meta: { title: '注册成功' } },
      { path: 'apply', name: 'apply', component: () => import('./pages/ApplyPage.vue'), props: { kind: 'new' }, meta: { auth: true, title: '会员申请' } },
      { path: 'renew', name: 'renew', component: () => import('./pages/ApplyPage.vue'), props: { kind: 'renewal' }, meta: { auth: true, title: '会员续费' } },
      { path: 'applications/:applicationId', name: 'application', component: () => import('./pages/ApplicationPage.vue'), props: true, meta: { auth: true, title: '申请信息' } },
      { path: 'applications/:applicationId/payment', name: 'payment', component: () => import('./pages/PaymentPage.vue'), props: true, meta: { auth: true, title: '支付信息' } },
      { path: 'orders', name: 'orders', component: () => import('./pages/OrdersPage.vue'), meta: { auth: true, title: '我的订单与发票' } },
      { path: 'profile', name: 'profile', component: () => import('./pages/ProfilePage.vue'), meta: { auth: true, title: '单位信息' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  if (!to.meta.auth) return true;
  const session = useSession();
  await session.restore();
  if (session.loggedIn) return true;
  return { name: 'login', query: { redirect: to.fullPath } };
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : '会员管理与服务平台';
  document.title = `${title} - 中国图书馆学会`;
});
