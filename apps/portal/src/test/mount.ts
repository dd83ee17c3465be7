import { mount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Component } from 'vue';
import { routes } from '@/router';

/** Mounts a page the way the app does (Pinia, the real routes in memory), at the given path. */
export async function mountPage(component: Component, path: string, props: Record<string, unknown> = {}) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path).catch(() => undefined);
  const wrapper = mount(component, { props, global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

export { flushPromises };
