export interface CatcherOptions {
  /** 0 picks a free port; default 1025. */
  port?: number;
  /** Default `.var/mail` (resolved against the working directory). */
  dir?: string;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Bytes; default 25 MB. */
  maxSize?: number;
  log?: (line: string) => void;
}
export interface RunningCatcher {
  readonly port: number;
  readonly host: string;
  readonly dir: string;
  /** SMTP sessions (client connections) accepted since start. */
  sessions(): number;
  close(): Promise<void>;
}
export const DEFAULT_MAX_SIZE: number;
export function start(options?: CatcherOptions): Promise<RunningCatcher>;
