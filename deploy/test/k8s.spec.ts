import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sObject, kustomize, overlays, readTopics, repoRoot, services } from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const podSpecOf = (o: K8sObject): any => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec?.template?.spec);
const workloads = (objs: K8sObject[]) => objs.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));

/** Keys of a config class that have no initializer (`KEY!: type`), read from the TypeScript source. */
function requiredKeys(source: string, className: string): string[] {
  const m = new RegExp(`class ${className}[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(source);
  if (!m) return [];
  return [...m[1].matchAll(/^\s*([A-Z][A-Z0-9_]*)!\s*:/gm)].map((x) => x[1]);
}
/** Keys whose default only works on a developer machine (127.0.0.1/localhost): a cluster must set them. */
function localDefaults(source: string): string[] {
  return [...source.matchAll(/([A-Z][A-Z0-9_]*)\s*[=:]\s*['"`][^'"`]*(127\.0\.0\.1|localhost)[^'"`]*['"`]/g)].map((x) => x[1]);
}
function configKeysFor(svc: string): string[] {
  const base = readFileSync(join(repoRoot, 'libs/service-kit/src/config.ts'), 'utf8');
  let appSrc = '';
  try { appSrc = readFileSync(join(repoRoot, `apps/${svc}/src/config.ts`), 'utf8'); } catch { /* service not scaffolded yet */ }
  const own = [...appSrc.matchAll(/class (\w+Config) extends BaseServiceConfig/g)].flatMap((m) => requiredKeys(appSrc, m[1]));
  return [...new Set([...requiredKeys(base, 'BaseServiceConfig'), ...localDefaults(base), ...own, ...localDefaults(appSrc), 'HTTP_HOST'])];
}

describe('kustomize output', () => {
  it('generated manifests are up to date with deploy/k8s/generate.mjs and topics.json', () => {
    expect(() => execFileSync('node', [join(repoRoot, 'deploy/k8s/generate.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  describe.each(overlays)('%s', (overlay) => {
    const objs = kustomize(overlay);

    it('renders the expected kinds', () => {
      const kinds = new Set(objs.map((o) => o.kind));
      for (const k of ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceAccount', 'NetworkPolicy', 'Ingress', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'Cluster', 'Database', 'ServiceMonitor', 'PrometheusRule']) {
        expect([k, kinds.has(k)]).toEqual([k, true]);
      }
    });

    it('every object validates against the Kubernetes, Strimzi, CloudNativePG and prometheus-operator schemas', () => {
      const out = execFileSync('node', [join(repoRoot, 'deploy/test/tools/validate-k8s.mjs')], { input: JSON.stringify(objs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(JSON.parse(out)).toEqual([]);
    });

    it('every container has requests/limits, probes, runs as non-root with a read-only root filesystem and no privilege escalation', () => {
      for (const w of workloads(objs)) {
        const pod = podSpecOf(w);
        expect([w.metadata.name, pod.automountServiceAccountToken]).toEqual([w.metadata.name, false]);
        for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
          const id = `${w.metadata.name}/${c.name}`;
          const sc = { ...pod.securityContext, ...c.securityContext };
          expect([id, !!c.resources?.limits?.cpu, !!c.resources?.limits?.memory, !!c.resources?.requests?.cpu, !!c.resources?.requests?.memory]).toEqual([id, true, true, true, true]);
          expect([id, sc.runAsNonRoot, c.securityContext?.readOnlyRootFilesystem, c.securityContext?.allowPrivilegeEscalation, c.securityContext?.capabilities?.drop]).toEqual([id, true, true, false, ['ALL']]);
          if (!(pod.initContainers ?? []).includes(c)) {
            expect([id, !!c.livenessProbe, !!c.readinessProbe, !!c.startupProbe]).toEqual([id, true, true, true]);
          }
        }
      }
    });

    it('no image uses latest or an implicit tag', () => {
      const images = workloads(objs).flatMap((w) => [...(podSpecOf(w).initContainers ?? []), ...podSpecOf(w).containers].map((c: any) => c.image as string));
      const cnpg = objs.filter((o) => o.kind === 'Cluster').map((o) => o.spec.imageName);
      for (const image of [...images, ...cnpg]) {
        const tag = /@sha256:/.test(image) ? 'digest' : /:([^/:]+)$/.exec(image)?.[1];
        expect([image, tag !== undefined && tag !== 'latest']).toEqual([image, true]);
      }
    });

    it('services probe /health/live and /health/ready, mount /tmp, spread over topology and never embed secret values', () => {
      expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
      for (const svc of services) {
        const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!;
        const pod = podSpecOf(d);
        const c = pod.containers[0];
        expect([svc, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path, c.startupProbe.httpGet.path]).toEqual([svc, '/health/live', '/health/ready', '/health/live']);
        expect(c.volumeMounts.some((m: any) => m.mountPath === '/tmp' && pod.volumes.find((v: any) => v.name === m.name)?.emptyDir)).toBe(true);
        expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
        for (const e of [...(c.env ?? [])]) {
          if (/PASSWORD|SECRET|PRIVATE_KEY|_KEY_ID/.test(e.name)) expect([svc, e.name, e.value]).toEqual([svc, e.name, undefined]);
        }
        if (svc !== 'gateway') {
          expect([svc, pod.initContainers?.[0]?.command]).toEqual([svc, ['node', `dist/apps/${svc}/main.js`, '--migrate-only']]);
        }
        for (const kind of ['Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceAccount', 'NetworkPolicy', 'ServiceMonitor']) {
          expect([svc, kind, objs.some((o) => o.kind === kind && o.metadata.name === svc)]).toEqual([svc, kind, true]);
        }
        expect(objs.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === svc)!.automountServiceAccountToken).toBe(false);
      }
    });

    it("every service's environment covers the required keys of its config class", () => {
      for (const svc of services) {
        const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!;
        const c = podSpecOf(d).containers[0];
        const fromConfigMaps = (c.envFrom ?? []).flatMap((e: any) => Object.keys(objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === e.configMapRef?.name)?.data ?? {}));
        const keys = new Set([...fromConfigMaps, ...(c.env ?? []).map((e: any) => e.name)]);
        const needed = configKeysFor(svc).filter((k) => !(svc === 'gateway' && k === 'DATABASE_URL'));
        expect([svc, needed.filter((k) => !keys.has(k))]).toEqual([svc, []]);
        const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${svc}-config`)!;
        expect([svc, cm.data.HTTP_HOST, cm.data.SERVICE_NAME]).toEqual([svc, '0.0.0.0', svc]);
      }
    });

    it('has a KafkaTopic for every topic in topics.json and its dead-letter twin, replicated 3 ways with min ISR 2', () => {
      const { partitions, topics } = readTopics();
      const kt = objs.filter((o) => o.kind === 'KafkaTopic');
      for (const t of topics) {
        for (const name of [t.name, `${t.name}.dlt`]) {
          const k = kt.find((o) => (o.spec.topicName ?? o.metadata.name) === name);
          expect([name, k?.spec.partitions, k?.spec.replicas, k?.spec.config?.['min.insync.replicas'], k?.spec.config?.['retention.ms']])
            .toEqual([name, partitions, 3, '2', String(t.retentionMs)]);
        }
      }
      const kafka = objs.find((o) => o.kind === 'Kafka')!;
      expect(kafka.spec.kafka.config['min.insync.replicas']).toBe(2);
      expect(kafka.spec.kafka.config['default.replication.factor']).toBe(3);
      const brokers = objs.filter((o) => o.kind === 'KafkaNodePool' && o.spec.roles.includes('broker'));
      expect(brokers.reduce((n, p) => n + p.spec.replicas, 0)).toBe(3);
      expect(objs.some((o) => o.kind === 'KafkaNodePool' && o.spec.roles.includes('controller'))).toBe(true);
    });

    it('KafkaUsers may only write their own topic and DLT twins and read what they consume', () => {
      const owner = Object.fromEntries(readTopics().topics.map((t) => [t.owner, t.name]));
      const consumes: Record<string, string[]> = { identity: [], membership: ['identity', 'billing'], billing: ['membership', 'identity'], notification: ['identity', 'membership', 'billing'] };
      for (const [svc, sources] of Object.entries(consumes)) {
        const u = objs.find((o) => o.kind === 'KafkaUser' && o.metadata.name === svc)!;
        expect(u.spec.authentication.type).toMatch(/^(scram-sha-512|tls)$/);
        const acls: any[] = u.spec.authorization.acls;
        const topicsWith = (op: string) => acls.filter((a) => a.resource.type === 'topic' && a.operations.includes(op)).map((a) => a.resource.name).sort();
        const writes = [owner[svc], `${owner[svc]}.dlt`, ...sources.map((s) => `${owner[s]}.dlt`)].sort();
        expect([svc, topicsWith('Write')]).toEqual([svc, writes]);
        expect([svc, topicsWith('Read')]).toEqual([svc, sources.map((s) => owner[s]).sort()]);
        expect(acls.every((a) => a.resource.patternType === 'literal' || a.resource.type === 'group')).toBe(true);
        expect(acls.every((a) => !a.operations.includes('All'))).toBe(true);
        const groups = acls.filter((a) => a.resource.type === 'group').map((a) => a.resource.name);
        expect([svc, groups]).toEqual([svc, sources.length ? [svc] : []]);
      }
    });

    it('CloudNativePG runs 3 instances with a database per service; Redis has no persistence', () => {
      const cluster = objs.find((o) => o.kind === 'Cluster')!;
      expect(cluster.spec.instances).toBe(3);
      const dbs = objs.filter((o) => o.kind === 'Database').map((o) => [o.spec.name, o.spec.owner, o.spec.cluster.name]);
      expect(dbs.sort()).toEqual(['billing', 'identity', 'membership', 'notification'].map((n) => [n, n, cluster.metadata.name]));
      const redis = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis')!;
      expect(podSpecOf(redis).containers[0].args.join(' ')).toMatch(/--save\s+--appendonly no/);
      expect(objs.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    });

    it('NetworkPolicies: default deny, gateway only from the ingress controller, services only to PostgreSQL/Redis/Kafka/SMTP/DNS', () => {
      const np = objs.filter((o) => o.kind === 'NetworkPolicy');
      const deny = np.find((o) => Object.keys(o.spec.podSelector).length === 0 && !o.spec.ingress && !o.spec.egress);
      expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      const gw = np.find((o) => o.metadata.name === 'gateway')!;
      expect(gw.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('ingress-nginx');
      for (const svc of services.filter((s) => s !== 'gateway')) {
        const p = np.find((o) => o.metadata.name === svc)!;
        expect(p.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }]);
        for (const rule of p.spec.egress) {
          const peers = rule.to.map((t: any) => t.ipBlock ? `ip:${rule.ports.map((x: any) => x.port).join(',')}` : JSON.stringify(t.podSelector.matchLabels));
          for (const peer of peers) expect([svc, peer]).toEqual([svc, expect.stringMatching(/kube-dns|redis|cnpg\.io\/cluster|strimzi\.io\/cluster|^ip:465,587$/)]);
          if (rule.to.some((t: any) => t.ipBlock)) expect(svc).toBe('notification');
        }
      }
    });

    it('the gateway Ingress terminates TLS', () => {
      const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'gateway')!;
      expect(ing.spec.tls[0].hosts).toContain(ing.spec.rules[0].host);
      expect(ing.spec.tls[0].secretName).toBeTruthy();
    });
  });

  it('prod runs more replicas than dev', () => {
    const replicas = (overlay: string) => kustomize(overlay).filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.minReplicas);
    expect(Math.min(...replicas('deploy/k8s/overlays/prod'))).toBeGreaterThan(Math.max(...replicas('deploy/k8s/overlays/dev')));
  });
});
