/**
 * Work that must wait for a transaction's outcome, not for the statement that made it: the commit signal (rows are
 * readable only after COMMIT), and in-process bookkeeping about a row lock, which is held until COMMIT or ROLLBACK
 * (see the invoice numbers in billing). Only transactions run by withTransaction are tracked; a hand-made BEGIN on a
 * client is not, and afterTransaction says so, so the caller can fall back to not relying on the outcome.
 */
type Hook = (committed: boolean) => void;

const open = new WeakMap<object, Hook[]>();

/** withTransaction's part: a transaction began on `client`. */
export function transactionBegan(client: object): void {
  open.set(client, []);
}

/** withTransaction's part: the transaction on `client` ended; runs its hooks once, in the order they were added. */
export function transactionFinished(client: object, committed: boolean): void {
  const hooks = open.get(client);
  open.delete(client);
  for (const hook of hooks ?? []) {
    try {
      hook(committed);
    } catch {
      // A hook's failure must not turn a committed transaction into a reported error, nor skip the other hooks.
    }
  }
}

/**
 * Runs `hook` when the transaction on `client` commits or rolls back; the same hook added twice runs once. Returns
 * false, without keeping the hook, when `client` is not inside a transaction begun by withTransaction.
 */
export function afterTransaction(client: object, hook: Hook): boolean {
  const hooks = open.get(client);
  if (!hooks) return false;
  if (!hooks.includes(hook)) hooks.push(hook);
  return true;
}
