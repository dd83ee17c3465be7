import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The client address the gateway resolved (from its trusted proxy ranges), and its proof. A service cannot tell the
 * gateway from any other caller by X-Forwarded-For — anyone who reaches the service directly can write that header
 * and rotate it to dodge per-IP limits — so the gateway signs the address with a secret both share (CLIENT_IP_SECRET,
 * a Kubernetes Secret in deployment) and services believe only a signed address.
 */
export const CLIENT_IP_HEADER = 'x-lsc-client-ip';
export const CLIENT_IP_SIGNATURE_HEADER = 'x-lsc-client-ip-signature';

const stripV4Mapped = (ip: string): string => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);

/** HMAC-SHA256 over the address, hex; the label keeps this MAC from being valid for any other use of the secret. */
export const signClientIp = (ip: string, secret: string): string => createHmac('sha256', secret).update(`lsc-client-ip\n${ip}`).digest('hex');

/** Both headers the gateway sends for a resolved client address. */
export const signedClientIpHeaders = (ip: string, secret: string): Record<string, string> => ({
  [CLIENT_IP_HEADER]: ip,
  [CLIENT_IP_SIGNATURE_HEADER]: signClientIp(ip, secret),
});

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? undefined : value);

/**
 * The caller's address for per-IP limits: the gateway's signed address when its signature holds, else the socket peer.
 * X-Forwarded-For is never read here.
 */
export function verifiedClientIp(request: Pick<FastifyRequest, 'headers' | 'raw'>, secret: string): string {
  const peer = stripV4Mapped(request.raw.socket?.remoteAddress ?? 'unknown');
  const ip = single(request.headers[CLIENT_IP_HEADER]);
  const signature = single(request.headers[CLIENT_IP_SIGNATURE_HEADER]);
  if (!ip || !signature || isIP(ip) === 0 || !/^[0-9a-f]{64}$/.test(signature)) return peer;
  const expected = Buffer.from(signClientIp(ip, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? ip : peer;
}
