import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jose, type CryptoKey, type JWK } from './jose';

export const TOKEN_ALGORITHM = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The same key for node:crypto's one-shot sign, which runs inline instead of queueing on libuv's pool. */
  privateKeyObject: KeyObject;
  /** Public half only (kty, crv, x, kid, alg, use); safe to publish. */
  publicJwk: JWK;
  /**
   * Public keys published in the JWKS beside this one, which sign nothing here (deploy/README.md, "Rotate the JWT
   * signing key"): the next key, published before it signs so every verifier's cached JWKS holds it by then, and the
   * previous one, kept while access tokens it signed are still alive.
   */
  publishedWith?: readonly JWK[];
}

export interface SigningKeyConfig {
  /** PKCS#8 PEM of an Ed25519 private key (e.g. JWT_PRIVATE_KEY_PEM); `\n` escapes are accepted. */
  privateKeyPem?: string;
  /** The same key as a JSON JWK (kty OKP, crv Ed25519, d, x). */
  privateJwk?: string;
  /** Development only: where a generated key is kept so tokens survive restarts. */
  devKeyFile?: string;
  nodeEnv?: string;
  /** The key that will sign after the next rotation: PEM of its private or public half; only the public one is used. */
  nextKeyPem?: string;
  /** The key that signed before the last rotation, likewise; published until the tokens it signed have expired. */
  previousKeyPem?: string;
}

/**
 * Loads the Ed25519 signing key from config, or in development generates one and persists it (mode 0600), with the
 * next and previous keys to publish beside it.
 */
export async function loadSigningKey(config: SigningKeyConfig): Promise<SigningKey> {
  const key = await loadCurrentKey(config);
  const others: JWK[] = [];
  for (const [role, pem] of [['next', config.nextKeyPem], ['previous', config.previousKeyPem]] as const) {
    if (!pem) continue;
    const jwk = await publicJwkOf(createPublicKey(pem.replace(/\\n/g, '\n')), `${role} JWT key`);
    if (jwk.kid === key.kid) throw new Error(`The ${role} JWT key is the current signing key: give it a key of its own (or leave it unset)`);
    others.push(jwk);
  }
  return others.length ? { ...key, publishedWith: others } : key;
}

async function loadCurrentKey(config: SigningKeyConfig): Promise<SigningKey> {
  if (config.privateKeyPem) return fromKeyObject(createPrivateKey(config.privateKeyPem.replace(/\\n/g, '\n')));
  if (config.privateJwk) return fromKeyObject(createPrivateKey({ key: JSON.parse(config.privateJwk) as JsonWebKeyInput, format: 'jwk' }));
  if (config.nodeEnv === 'production') throw new Error('No JWT signing key configured: set a PEM or JWK private key in production');
  if (!config.devKeyFile) throw new Error('No JWT signing key configured and no development key file path given');
  return fromKeyObject(createPrivateKey(await readOrCreateDevKey(config.devKeyFile)));
}

/** The publishable JWK of an Ed25519 public key; its kid is the RFC 7638 thumbprint, as for the signing key. */
async function publicJwkOf(key: KeyObject, what: string): Promise<JWK> {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${what} must be Ed25519, got ${String(key.asymmetricKeyType)}`);
  const { kty, crv, x } = key.export({ format: 'jwk' });
  const kid = await jose.calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x! });
  return { kty, crv, x, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
}

type JsonWebKeyInput = Parameters<typeof createPrivateKey>[0] extends infer T ? (T extends { format: 'jwk'; key: infer K } ? K : never) : never;

async function readOrCreateDevKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(dirname(file), { recursive: true });
  try {
    // 'wx' so two services starting together cannot overwrite each other's key.
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file, 'utf8');
    throw err;
  }
}

async function fromKeyObject(key: KeyObject): Promise<SigningKey> {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`JWT signing key must be Ed25519, got ${String(key.asymmetricKeyType)}`);
  const publicJwk = await publicJwkOf(createPublicKey(key), 'JWT signing key');
  const privateKey = (await jose.importJWK({ ...key.export({ format: 'jwk' }), alg: TOKEN_ALGORITHM }, TOKEN_ALGORITHM)) as CryptoKey;
  return { kid: publicJwk.kid!, privateKey, privateKeyObject: key, publicJwk };
}

/**
 * The JWKS document services fetch to verify access tokens: each signing key and the keys published beside it (next,
 * previous), once per kid; only public members are copied.
 */
export function jwksDocument(keys: readonly SigningKey[]): { keys: JWK[] } {
  const all = keys.flatMap((k) => [k.publicJwk, ...(k.publishedWith ?? [])]);
  const unique = all.filter((jwk, i) => all.findIndex((other) => other.kid === jwk.kid) === i);
  return { keys: unique.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg, use })) };
}
