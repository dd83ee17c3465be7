import { PasswordHasher, PasswordTooLongError } from './password-hasher';

/**
 * Verifies a login password in constant-shaped time: when the account does not exist, a precomputed dummy
 * hash is verified instead, so "unknown user" and "wrong password" cost the same argon2 work (ASVS 6.3.8).
 */
export class CredentialChecker {
  private constructor(
    private readonly hasher: PasswordHasher,
    private readonly dummyHash: string,
  ) {}

  static async create(hasher: PasswordHasher = new PasswordHasher()): Promise<CredentialChecker> {
    return new CredentialChecker(hasher, await hasher.dummyHash());
  }

  /** `storedHash` is undefined when no account matched; the answer is then always false. */
  async check(storedHash: string | undefined, password: string): Promise<boolean> {
    try {
      const matches = await this.hasher.verify(storedHash ?? this.dummyHash, password);
      return storedHash !== undefined && matches;
    } catch (err) {
      if (err instanceof PasswordTooLongError) return false;
      throw err;
    }
  }
}
