/**
 * The rendered NetworkPolicies (`kubectl kustomize` of each overlay) against the platform's real traffic: every flow
 * the services need is allowed, and a set of flows that must not happen is denied. Pods the operators create (Kafka
 * brokers, PostgreSQL instances) and the ones outside the namespace (ingress controller, Prometheus, DNS, the
 * Internet) are modelled with the labels those components give them.
 */
import { K8sObject, kustomize, overlays } from './helpers';
import { External, NetworkPolicyEvaluator, pod, podsOf, selects, type Endpoint, type Pod } from './netpol';

const API_PORT = { gateway: 3000, identity: 3001, membership: 3002, billing: 3003, notification: 3004 } as const;
type Svc = keyof typeof API_PORT;
const SERVICES = Object.keys(API_PORT) as Svc[];
const BACKENDS: Svc[] = ['identity', 'membership', 'billing', 'notification'];
const METRICS_PORT = 9464;

const ingressNginx = pod('ingress-nginx-controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }, { http: 80, https: 443 });
const prometheus = pod('prometheus-k8s-0', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }, { web: 9090 });
const dns = pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, { dns: 53 });
const otherTenant = pod('web', 'default', { 'app.kubernetes.io/name': 'gateway' });
/** Aliyun's SMS API (dysmsapi.aliyuncs.com) and the SMTP relay: public addresses. */
const smsApi: External = { kind: 'external', name: 'dysmsapi.aliyuncs.com', ip: '106.11.43.158' };
const smtpRelay: External = { kind: 'external', name: 'smtp.example.org', ip: '203.0.113.25' };
const internet: External = { kind: 'external', name: 'somewhere on the Internet', ip: '198.51.100.7' };

describe.each(overlays)('%s: NetworkPolicies', (overlay) => {
  let objs: K8sObject[];
  let net: NetworkPolicyEvaluator;
  let pods: Map<string, Pod>;
  let kafka: Pod;
  let postgres: Pod;
  /** A pod someone starts in the namespace without the platform's labels (kubectl run debug …). */
  let stranger: Pod;
  const svc = (name: Svc): Pod => pods.get(name)!;
  const name = (e: Endpoint) => e.name;

  beforeAll(() => {
    objs = kustomize(overlay);
    net = new NetworkPolicyEvaluator(objs);
    pods = podsOf(objs);
    // The overlay's namespace (lsc, lsc-dev): where the operators create the Kafka and PostgreSQL pods.
    const ns = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-all')!.metadata.namespace!;
    kafka = pod('lsc-kafka-broker-0', ns, { 'strimzi.io/cluster': 'lsc-kafka', 'strimzi.io/broker-role': 'true', 'strimzi.io/kind': 'Kafka' }, { tls: 9093 });
    postgres = pod('lsc-pg-1', ns, { 'cnpg.io/cluster': 'lsc-pg', 'cnpg.io/instanceRole': 'primary' }, { postgresql: 5432 });
    stranger = pod('debug', ns, { run: 'debug' });
  });

  it('renders a pod for each service and Redis, and a default deny for the whole namespace', () => {
    for (const s of [...SERVICES, 'redis']) expect([s, pods.has(s)]).toEqual([s, true]);
    const deny = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-all');
    expect(deny?.spec).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // Every pod of the namespace is selected for both directions, so nothing is open by omission.
    expect(net.allowed(stranger, svc('identity'), API_PORT.identity)).toBe(false);
    expect(net.egressAllowed(stranger, internet, 443)).toBe(false);
  });

  describe('allows the flows the platform needs', () => {
    const flows = (): Array<[Endpoint, Endpoint, number, string?]> => [
      [ingressNginx, svc('gateway'), API_PORT.gateway],
      ...BACKENDS.map((b): [Endpoint, Endpoint, number] => [svc('gateway'), svc(b), API_PORT[b]]),
      // Access tokens are verified against identity's JWKS by every service that has an authenticated API.
      ...(['gateway', 'membership', 'billing', 'notification'] as Svc[]).map((s): [Endpoint, Endpoint, number] => [svc(s), svc('identity'), API_PORT.identity]),
      ...SERVICES.map((s): [Endpoint, Endpoint, number] => [svc(s), pods.get('redis')!, 6379]),
      ...BACKENDS.map((s): [Endpoint, Endpoint, number] => [svc(s), postgres, 5432]),
      ...BACKENDS.map((s): [Endpoint, Endpoint, number] => [svc(s), kafka, 9093]),
      ...SERVICES.map((s): [Endpoint, Endpoint, number, string] => [svc(s), dns, 53, 'UDP']),
      [svc('identity'), smsApi, 443],
      [svc('notification'), smtpRelay, 465],
      [svc('notification'), smtpRelay, 587],
      ...SERVICES.map((s): [Endpoint, Endpoint, number] => [prometheus, svc(s), METRICS_PORT]),
    ];

    it('each one', () => {
      const refused = flows().filter(([from, to, port, proto]) => !net.allowed(from, to, port, proto)).map(([from, to, port, proto]) => `${name(from)} → ${name(to)}:${port}/${proto ?? 'TCP'}`);
      expect(refused).toEqual([]);
    });
  });

  describe('denies flows that must not happen', () => {
    const flows = (): Array<[Endpoint, Endpoint, number, string?]> => [
      // Prometheus reaches the metrics port, not the API (nor Redis).
      ...SERVICES.map((s): [Endpoint, Endpoint, number] => [prometheus, svc(s), API_PORT[s]]),
      [prometheus, pods.get('redis')!, 6379],
      // Services do not call one another except identity's JWKS; nothing reaches the gateway but the ingress.
      [svc('membership'), svc('billing'), API_PORT.billing],
      [svc('billing'), svc('membership'), API_PORT.membership],
      [svc('notification'), svc('billing'), API_PORT.billing],
      [svc('identity'), svc('membership'), API_PORT.membership],
      [svc('billing'), svc('gateway'), API_PORT.gateway],
      [svc('membership'), svc('identity'), METRICS_PORT],
      // Only identity goes out to the SMS API, only notification to the SMTP relay, and only on their ports.
      [svc('billing'), smsApi, 443],
      [svc('membership'), internet, 443],
      [svc('gateway'), internet, 443],
      [svc('notification'), internet, 443],
      [svc('identity'), smtpRelay, 465],
      [svc('identity'), smsApi, 80],
      [svc('identity'), internet, 22],
      [pods.get('redis')!, internet, 443],
      // The gateway holds no database or Kafka credentials and gets no route to them.
      [svc('gateway'), postgres, 5432],
      [svc('gateway'), kafka, 9093],
      // Unlabelled pods in the namespace and pods of other namespaces reach nothing.
      [stranger, pods.get('redis')!, 6379],
      [stranger, postgres, 5432],
      [otherTenant, svc('gateway'), API_PORT.gateway],
      [otherTenant, svc('billing'), API_PORT.billing],
      [otherTenant, svc('billing'), METRICS_PORT],
      [ingressNginx, svc('billing'), API_PORT.billing],
      [internet, svc('gateway'), API_PORT.gateway],
    ];

    it('each one', () => {
      const passed = flows().filter(([from, to, port, proto]) => net.allowed(from, to, port, proto)).map(([from, to, port, proto]) => `${name(from)} → ${name(to)}:${port}/${proto ?? 'TCP'}`);
      expect(passed).toEqual([]);
    });
  });

  it('Prometheus scrapes each service on its metrics port, which the Service exposes and METRICS_PORT opens', () => {
    for (const s of SERVICES) {
      const monitor = objs.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === s);
      const service = objs.find((o) => o.kind === 'Service' && o.metadata.name === s);
      const config = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${s}-config`);
      const port = service?.spec.ports.find((p: { name: string }) => p.name === monitor?.spec.endpoints[0].port);
      expect([s, port?.port, svc(s).ports[port?.targetPort], config?.data.METRICS_PORT]).toEqual([s, METRICS_PORT, METRICS_PORT, String(METRICS_PORT)]);
    }
  });

  it('Redis requires the password of the redis Secret, and every service sends it', () => {
    const redis = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis')!;
    const container = redis.spec.template.spec.containers[0];
    expect(container.args.join(' ')).toContain('--requirepass $(REDIS_PASSWORD)');
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'password' } } }]));
    for (const s of SERVICES) {
      const c = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === s)!.spec.template.spec.containers[0];
      expect([s, c.env.find((e: { name: string }) => e.name === 'REDIS_PASSWORD')?.valueFrom]).toEqual([s, { secretKeyRef: { name: 'redis', key: 'password' } }]);
    }
  });
});

describe('NetworkPolicy evaluator', () => {
  const a = pod('a', 'ns', { app: 'a' }, { http: 8080 });
  const b = pod('b', 'ns', { app: 'b', tier: 'x' }, { http: 8080, metrics: 9000 });
  const c = pod('c', 'other', { app: 'a' });
  const policy = (name: string, spec: object): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'ns' }, spec });

  it('leaves unselected pods open, and opens only what a rule allows once a pod is selected', () => {
    expect(new NetworkPolicyEvaluator([]).allowed(a, b, 1234)).toBe(true);
    const net = new NetworkPolicyEvaluator([policy('b-in', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 'metrics' }] }] })]);
    expect(net.allowed(a, b, 9000)).toBe(true);
    expect(net.allowed(a, b, 8080)).toBe(false);
    // The podSelector alone means the policy's own namespace.
    expect(net.allowed(c, b, 9000)).toBe(false);
    // Egress was not among the policy's types: a is not restricted.
    expect(net.allowed(a, { kind: 'external', name: 'x', ip: '8.8.8.8' }, 53, 'UDP')).toBe(true);
  });

  it('needs both egress and ingress, and reads namespaceSelector+podSelector as one peer, ipBlock with except, endPort', () => {
    const net = new NetworkPolicyEvaluator([
      policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('b-in', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } }, podSelector: { matchLabels: { app: 'a' } } }] }] }),
      policy('a-out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }] }] }),
    ]);
    expect(net.allowed(c, b, 8080)).toBe(true); // c is in no policy's namespace: only b's ingress applies
    expect(net.allowed(a, b, 8080)).toBe(false); // a's egress allows only public addresses
    expect(net.allowed(a, { kind: 'external', name: 'pub', ip: '93.184.216.34' }, 8050)).toBe(true);
    expect(net.allowed(a, { kind: 'external', name: 'pub', ip: '93.184.216.34' }, 8101)).toBe(false);
    expect(net.allowed(a, { kind: 'external', name: 'priv', ip: '10.1.2.3' }, 8050)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, a.labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, a.labels)).toBe(false);
  });
});
