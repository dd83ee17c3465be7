import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { myMembership, type Membership } from '@/api/membership';

/** The institution's membership, shared by the header (会员申请 vs 会员续费) and the home page. */
export const useMembership = defineStore('membership', () => {
  const membership = ref<Membership | null>(null);
  const loaded = ref(false);

  /** A member (active, grace or expired) renews; everyone else applies. */
  const canRenew = computed(() => ['active', 'grace', 'expired'].includes(membership.value?.status ?? ''));
  const isMember = computed(() => membership.value?.memberNumber !== undefined);

  async function load(): Promise<Membership | null> {
    membership.value = await myMembership();
    loaded.value = true;
    return membership.value;
  }

  function clear(): void {
    membership.value = null;
    loaded.value = false;
  }

  return { membership, loaded, canRenew, isMember, load, clear };
});
