import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as sessions from '@/api/sessions';
import { onSessionExpired } from '@/api/client';

/**
 * Who is logged in. The access token itself never leaves the API client's memory; a page reload restores the
 * session from the HttpOnly refresh cookie (restore), so nothing is kept in localStorage.
 */
export const useSession = defineStore('session', () => {
  const principal = ref<sessions.Principal | null>(null);
  let restoring: Promise<void> | null = null;
  const restored = ref(false);

  const loggedIn = computed(() => principal.value !== null);

  function restore(): Promise<void> {
    if (restored.value) return Promise.resolve();
    restoring ??= sessions
      .resume()
      .then((p) => {
        principal.value = p;
      })
      .finally(() => {
        restored.value = true;
        restoring = null;
      });
    return restoring;
  }

  async function loginWithPassword(input: sessions.PasswordLogin): Promise<void> {
    principal.value = await sessions.loginWithPassword(input);
    restored.value = true;
  }

  async function loginWithSms(input: sessions.SmsLogin): Promise<void> {
    principal.value = await sessions.loginWithSms(input);
    restored.value = true;
  }

  async function logout(): Promise<void> {
    try {
      await sessions.logout();
    } finally {
      principal.value = null;
    }
  }

  /** After a 401 the client could not refresh: the session is over. */
  function expired(): void {
    principal.value = null;
  }

  onSessionExpired(expired);

  return { principal, loggedIn, restored, restore, loginWithPassword, loginWithSms, logout, expired };
});
