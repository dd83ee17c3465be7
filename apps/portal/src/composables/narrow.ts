import { onBeforeUnmount, ref } from 'vue';

/** True on phone-width screens, for layouts Element Plus cannot switch by CSS alone (label position, table vs cards). */
export function useNarrow(maxWidth = 640) {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`);
  const narrow = ref(query.matches);
  const update = (e: MediaQueryListEvent) => (narrow.value = e.matches);
  query.addEventListener('change', update);
  onBeforeUnmount(() => query.removeEventListener('change', update));
  return narrow;
}
