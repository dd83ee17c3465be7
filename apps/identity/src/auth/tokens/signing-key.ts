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
}

export interface SigningKeyConfig {
  /** PKCS#8 PEM of an Ed25519 private key (e.g. JWT_PRIVATE_KEY_PEM); `\n` escapes are accepted. */
  privateKeyPem?: string;
  /** The same key as a JSON JWK (kty OKP, crv Ed25519, d, x). */
  privateJwk?: string;
  /** Development only: where a generated key is kept so tokens survive restarts. */
  devKeyFile?: string;
  nodeEnv?: string;
}

/** Loads the Ed25519 signing key from config, or in development generates one and persists it (mode 0600). */
export async function loadSigningKey(config: SigningKeyConfig): Promise<SigningKey> {
  if (config.privateKeyPem) return fromKeyObject(createPrivateKey(config.privateKeyPem.replace(/\\n/g, '\n')));
  if (config.privateJwk) return fromKeyObject(createPrivateKey({ key: JSON.parse(config.privateJwk) as JsonWebKeyInput, format: 'jwk' }));
  if (config.nodeEnv === 'production') throw new Error('No JWT signing key configured: set a PEM or JWK private key in production');
  if (!config.devKeyFile) throw new Error('No JWT signing key configured and no development key file path given');
  return fromKeyObject(createPrivateKey(await readOrCreateDevKey(config.devKeyFile)));
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
  const { kty, crv, x } = createPublicKey(key).export({ format: 'jwk' });
  const kid = await jose.calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x! });
  const privateKey = (await jose.importJWK({ ...key.export({ format: 'jwk' }), alg: TOKEN_ALGORITHM }, TOKEN_ALGORITHM)) as CryptoKey;
  return { kid, privateKey, privateKeyObject: key, publicJwk: { kty, crv, x, kid, alg: TOKEN_ALGORITHM, use: 'sig' } };
}

/** The JWKS document gateways fetch to verify access tokens; only public members are copied. */
export function jwksDocument(keys: readonly SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map(({ publicJwk: { kty, crv, x, kid, alg, use } }) => ({ kty, crv, x, kid, alg, use })) };
}
