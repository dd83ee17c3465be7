import type { IncomingHttpHeaders } from 'node:http';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, CORRELATION_HEADER, signedClientIpHeaders } from '@lsc/service-kit';

/** RFC 9110 §7.6.1 connection-specific headers: they describe one hop and must not be relayed. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Headers that services trust as set by the gateway; a client-supplied copy is dropped, never merged. */
const GATEWAY_OWNED = new Set(['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded', CORRELATION_HEADER, CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER]);

function withoutConnectionHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ForwardingFacts {
  clientIp: string;
  /** Services believe the client address only with this secret's signature (service-kit client-ip.ts). */
  clientIpSecret: string;
  correlationId: string;
  /** Scheme and host the client used, so services can build absolute links. */
  proto: string;
  host?: string;
}

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, facts: ForwardingFacts, upstreamHost: string): IncomingHttpHeaders {
  const headers = withoutConnectionHeaders(incoming);
  for (const name of GATEWAY_OWNED) delete headers[name];
  headers.host = upstreamHost;
  headers['x-forwarded-for'] = facts.clientIp;
  headers['x-real-ip'] = facts.clientIp;
  Object.assign(headers, signedClientIpHeaders(facts.clientIp, facts.clientIpSecret));
  headers['x-forwarded-proto'] = facts.proto;
  if (facts.host) headers['x-forwarded-host'] = facts.host;
  headers[CORRELATION_HEADER] = facts.correlationId;
  return headers;
}

export function clientResponseHeaders(upstream: IncomingHttpHeaders, correlationId: string): IncomingHttpHeaders {
  const headers = withoutConnectionHeaders(upstream);
  headers[CORRELATION_HEADER] = correlationId;
  return headers;
}
