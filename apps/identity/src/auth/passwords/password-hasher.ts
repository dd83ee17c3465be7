import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

export interface Argon2Params {
  /** KiB; OWASP minimum for argon2id with t=2 is 19456 (19 MiB). */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Caps hashing work an attacker can demand per request; far above any passphrase a person types. */
export const MAX_PASSWORD_LENGTH = 256;

export class PasswordTooLongError extends Error {
  constructor() {
    super(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
    this.name = 'PasswordTooLongError';
  }
}

/**
 * argon2id hashing. Passwords are NFKC-normalised first so a full-width character typed on a Chinese IME
 * and its half-width twin are the same password (NIST SP 800-63B 5.1.1.2).
 */
export class PasswordHasher {
  constructor(private readonly params: Argon2Params = OWASP_ARGON2ID) {
    if (params.memoryCost < OWASP_ARGON2ID.memoryCost || params.timeCost < 2 || params.parallelism < 1) throw new Error('argon2id parameters below the OWASP minimum');
  }

  async hash(password: string): Promise<string> {
    return hash(this.normalise(password), { algorithm: Algorithm.Argon2id, ...this.params });
  }

  /** False for a wrong password and for a malformed hash: neither may let the user in. */
  async verify(encodedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(encodedHash, this.normalise(password));
    } catch {
      return false;
    }
  }

  /** True when a stored hash used weaker or different settings; rehash after the next successful login. */
  needsRehash(encodedHash: string): boolean {
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(encodedHash);
    if (!m) return true;
    return Number(m[1]) !== this.params.memoryCost || Number(m[2]) !== this.params.timeCost || Number(m[3]) !== this.params.parallelism;
  }

  private normalise(password: string): string {
    if (password.length > MAX_PASSWORD_LENGTH) throw new PasswordTooLongError();
    return password.normalize('NFKC');
  }

  /** A hash of a random secret nobody knows, with the same parameters as real hashes. */
  async dummyHash(): Promise<string> {
    return this.hash(randomBytes(24).toString('base64url'));
  }
}
