/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), enough to ask of rendered manifests
 * "may this pod open a connection to that pod (or address) on this port?" the way an enforcing CNI answers it:
 * - a pod selected by no policy of a direction is open in that direction; once selected (policyTypes), only what
 *   some rule of some selecting policy allows gets through (policies are additive, there is no deny rule);
 * - a connection needs the source's egress and the destination's ingress to allow it;
 * - peers: podSelector (in the policy's namespace), namespaceSelector (any pod of matching namespaces), both (matching
 *   pods of matching namespaces), ipBlock (cidr minus except); an absent or empty from/to matches every peer;
 * - ports: absent or empty matches all; a number (with endPort, a range) or a name resolved against the destination
 *   pod's container ports; protocol defaults to TCP.
 * Traffic from the node (kubelet probes) is outside NetworkPolicy in the usual CNIs and not modelled.
 */
import type { K8sObject } from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Pod {
  kind: 'pod';
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Container port names to numbers (named ports in policies resolve against them). */
  ports: Record<string, number>;
  ip: string;
}
export interface External {
  kind: 'external';
  name: string;
  ip: string;
}
export type Endpoint = Pod | External;

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = (e.values ?? []).map(String);
    const ok =
      e.operator === 'In' ? has && values.includes(labels[e.key]) :
      e.operator === 'NotIn' ? !has || !values.includes(labels[e.key]) :
      e.operator === 'Exists' ? has :
      e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

const ipToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

const namespaceLabels = (ns: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': ns });

function peerMatches(peer: any, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(other.ip, c));
  // Pod and namespace selectors only ever match pods, never addresses outside the cluster.
  if (other.kind !== 'pod') return false;
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, namespaceLabels(other.namespace))) return false;
  } else if (other.namespace !== policyNamespace) return false;
  return selects(peer.podSelector, other.labels);
}

function portMatches(ports: any[] | undefined, destination: Endpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) return destination.kind === 'pod' && destination.ports[p.port] === port;
    const from = Number(p.port);
    return p.endPort ? port >= from && port <= p.endPort : port === from;
  });
}

const typesOf = (policy: K8sObject): string[] => policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];

export class NetworkPolicyEvaluator {
  private readonly policies: K8sObject[];

  constructor(objects: K8sObject[]) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  }

  private selecting(pod: Pod, direction: 'Ingress' | 'Egress'): K8sObject[] {
    return this.policies.filter((p) => (p.metadata.namespace ?? 'default') === pod.namespace && typesOf(p).includes(direction) && selects(p.spec.podSelector, pod.labels));
  }

  egressAllowed(source: Endpoint, destination: Endpoint, port: number, protocol = 'TCP'): boolean {
    if (source.kind !== 'pod') return true;
    const policies = this.selecting(source, 'Egress');
    if (policies.length === 0) return true;
    return policies.some((p) =>
      (p.spec.egress ?? []).some((rule: any) => (!rule.to || rule.to.length === 0 || rule.to.some((peer: any) => peerMatches(peer, p.metadata.namespace, destination))) && portMatches(rule.ports, destination, port, protocol)),
    );
  }

  ingressAllowed(source: Endpoint, destination: Endpoint, port: number, protocol = 'TCP'): boolean {
    if (destination.kind !== 'pod') return true;
    const policies = this.selecting(destination, 'Ingress');
    if (policies.length === 0) return true;
    return policies.some((p) =>
      (p.spec.ingress ?? []).some((rule: any) => (!rule.from || rule.from.length === 0 || rule.from.some((peer: any) => peerMatches(peer, p.metadata.namespace, source))) && portMatches(rule.ports, destination, port, protocol)),
    );
  }

  allowed(source: Endpoint, destination: Endpoint, port: number, protocol = 'TCP'): boolean {
    return this.egressAllowed(source, destination, port, protocol) && this.ingressAllowed(source, destination, port, protocol);
  }
}

let nextIp = 1;
export function pod(name: string, namespace: string, labels: Record<string, string>, ports: Record<string, number> = {}): Pod {
  const n = nextIp++;
  return { kind: 'pod', name, namespace, labels, ports, ip: `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}` };
}

/** One pod per Deployment/StatefulSet of the rendered manifests, with its template's labels and named ports. */
export function podsOf(objects: K8sObject[]): Map<string, Pod> {
  const pods = new Map<string, Pod>();
  for (const o of objects.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
    const template = o.spec.template;
    const ports: Record<string, number> = {};
    for (const c of template.spec.containers) for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
    pods.set(o.metadata.name, pod(o.metadata.name, o.metadata.namespace ?? 'default', template.metadata.labels ?? {}, ports));
  }
  return pods;
}
