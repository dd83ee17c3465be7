/**
 * The browser session as the client holds it: the access token in memory only (never localStorage), so a page
 * reload or a new tab starts without one and gets a fresh one from the refresh cookie (see client.ts).
 */
export interface Principal {
  sub: string;
  roles: string[];
}

export interface SessionSnapshot {
  accessToken?: string;
  principal?: Principal;
}

type Listener = (snapshot: SessionSnapshot) => void;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SessionState {
  private current: SessionSnapshot = {};
  private readonly listeners = new Set<Listener>();

  get accessToken(): string | undefined {
    return this.current.accessToken;
  }

  get principal(): Principal | undefined {
    return this.current.principal;
  }

  get loggedIn(): boolean {
    return this.current.accessToken !== undefined;
  }

  /** From a login or refresh answer ({accessToken, principal, …}); anything else is ignored. */
  startFrom(body: unknown): boolean {
    if (!isRecord(body) || typeof body.accessToken !== 'string') return false;
    const p = body.principal;
    const principal = isRecord(p) && typeof p.sub === 'string' && Array.isArray(p.roles) ? { sub: p.sub, roles: p.roles.map(String) } : undefined;
    this.set({ accessToken: body.accessToken, principal });
    return true;
  }

  end(): void {
    if (this.current.accessToken === undefined && this.current.principal === undefined) return;
    this.set({});
  }

  /** Called on every change (login, refresh, logout, expiry); returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(next: SessionSnapshot): void {
    this.current = next;
    for (const l of this.listeners) l({ ...next });
  }
}
