import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as identity from '@/api/identity';
import { onSessionExpired } from '@/api/client';

/** The signed-in staff member (the access token stays in the API client's memory; a reload resumes from the cookie). */
export const useSession = defineStore('session', () => {
  const principal = ref<identity.Principal | null>(null);
  const restored = ref(false);
  let restoring: Promise<void> | null = null;
  const roles = computed(() => principal.value?.roles ?? []);
  const isStaff = computed(() => roles.value.some((r) => r === 'finance' || r === 'member_admin' || r === 'super_admin'));

  function restore(): Promise<void> {
    if (restored.value) return Promise.resolve();
    restoring ??= identity
      .resume()
      .then((p) => {
        principal.value = p;
      })
      .catch(() => {
        principal.value = null;
      })
      .finally(() => {
        restored.value = true;
        restoring = null;
      });
    return restoring;
  }
  async function login(input: Parameters<typeof identity.login>[0]): Promise<void> {
    principal.value = await identity.login(input);
    restored.value = true;
  }
  async function logout(): Promise<void> {
    try {
      await identity.logout();
    } finally {
      principal.value = null;
    }
  }
  onSessionExpired(() => {
    principal.value = null;
  });
  return { principal, roles, isStaff, restored, restore, login, logout };
});
