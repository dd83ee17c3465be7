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
  /** The password step: a session, or (finance, super_admin, staff with an authenticator) the second step to take. */
  async function login(input: Parameters<typeof identity.login>[0]): Promise<identity.SecondFactorChallenge | null> {
    const answer = await identity.login(input);
    if ('mfaToken' in answer) return answer;
    signedIn(answer);
    return null;
  }
  /** After the second step (or an enrolment) the API client holds the session. */
  function signedIn(p: identity.Principal): void {
    principal.value = p;
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
  return { principal, roles, isStaff, restored, restore, login, signedIn, logout };
});
