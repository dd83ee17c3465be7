import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadBillingConfig } from '../../apps/billing/src/config';
import { isProxyEntry, loadGatewayConfig, splitList } from '../../apps/gateway/src/config';
import { loadIdentityConfig } from '../../apps/identity/src/config';
import { loadMembershipConfig } from '../../apps/membership/src/config';
import { loadNotificationConfig } from '../../apps/notification/src/config';
import { kafkaConnectionOptions } from '../../libs/service-kit/src/infrastructure';
import { K8sObject, kustomize, overlays, readTopics, repoRoot, services, type ServiceName } from './helpers';

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

const configLoaders: Record<ServiceName, (env: NodeJS.ProcessEnv) => object> = {
  gateway: loadGatewayConfig, identity: loadIdentityConfig, membership: loadMembershipConfig, billing: loadBillingConfig, notification: loadNotificationConfig,
};

/**
 * The environment a container gets: its ConfigMaps, then `env` (kubelet expands $(VAR) of earlier entries). A Secret
 * value becomes a placeholder naming its Secret and key, long enough for any minimum-length rule.
 */
function containerEnv(objs: K8sObject[], container: any): { env: Record<string, string>; secretRefs: Record<string, { name: string; key: string }>; expansionOnly: Set<string> } {
  const env: Record<string, string> = {};
  const secretRefs: Record<string, { name: string; key: string }> = {};
  const expansionOnly = new Set<string>();
  for (const from of container.envFrom ?? []) Object.assign(env, objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name)?.data ?? {});
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      secretRefs[e.name] = e.valueFrom.secretKeyRef;
      env[e.name] = `from-secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}:${'x'.repeat(32)}`;
    } else {
      env[e.name] = String(e.value ?? '').replace(/\$\((\w+)\)/g, (_m, name: string) => (expansionOnly.add(name), env[name] ?? ''));
    }
  }
  return { env, secretRefs, expansionOnly };
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

    it('billing has the memory to import a 100,000-row statement (a 512 MiB container died of heap exhaustion on an XLSX one)', () => {
      const mebibytes = (q: string): number => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, '')));
      const billing = podSpecOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'billing')!).containers[0];
      expect(mebibytes(billing.resources.limits.memory)).toBeGreaterThanOrEqual(768);
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

    it("every service starts with the rendered environment: its config class accepts it and reads every variable set", () => {
      for (const svc of services) {
        const c = podSpecOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!).containers[0];
        const { env, expansionOnly } = containerEnv(objs, c);
        let config: Record<string, unknown> = {};
        expect(() => (config = configLoaders[svc](env) as Record<string, unknown>)).not.toThrow();
        // A variable the manifests set but the service never reads is a typo or a setting that silently does nothing.
        const unread = Object.keys(env).filter((k) => !expansionOnly.has(k) && config[k] === undefined);
        expect([svc, unread]).toEqual([svc, []]);
      }
    });

    it('services reach Kafka the way the Strimzi listener expects: TLS with the cluster CA, SCRAM as their own KafkaUser', () => {
      const kafka = objs.find((o) => o.kind === 'Kafka')!;
      for (const svc of services.filter((s) => s !== 'gateway')) {
        const pod = podSpecOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === svc)!);
        for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
          const id = `${svc}/${c.name}`;
          const { env, secretRefs } = containerEnv(objs, c);
          const config = configLoaders[svc](env) as Parameters<typeof kafkaConnectionOptions>[0];
          const [host, port] = config.KAFKA_BROKERS.split(',')[0].split(':');
          expect([id, host.split('.')[0]]).toEqual([id, `${kafka.metadata.name}-kafka-bootstrap`]);
          const listener = kafka.spec.kafka.listeners.find((l: any) => l.port === Number(port));
          expect([id, listener?.tls, listener?.authentication?.type]).toEqual([id, config.KAFKA_SSL, config.KAFKA_SASL_MECHANISM]);
          // The user and its password: the KafkaUser of the service and the Secret Strimzi's User Operator writes for it.
          const user = objs.find((o) => o.kind === 'KafkaUser' && o.metadata.name === config.KAFKA_SASL_USERNAME);
          expect([id, config.KAFKA_SASL_USERNAME, user?.spec.authentication.type]).toEqual([id, svc, config.KAFKA_SASL_MECHANISM]);
          expect([id, secretRefs.KAFKA_SASL_PASSWORD]).toEqual([id, { name: svc, key: 'password' }]);
          // The CA file is the cluster CA Secret, mounted read-only where KAFKA_SSL_CA_FILE points.
          const mount = c.volumeMounts.find((m: any) => config.KAFKA_SSL_CA_FILE!.startsWith(`${m.mountPath}/`));
          const volume = pod.volumes.find((v: any) => v.name === mount?.name);
          expect([id, mount?.readOnly, volume?.secret?.secretName]).toEqual([id, true, `${kafka.metadata.name}-cluster-ca-cert`]);
          expect(volume.secret.items).toContainEqual({ key: 'ca.crt', path: config.KAFKA_SSL_CA_FILE!.slice(mount.mountPath.length + 1) });
          const options = kafkaConnectionOptions(config, (path) => `PEM from ${path}`);
          expect([id, options]).toEqual([id, {
            brokers: [`${kafka.metadata.name}-kafka-bootstrap:${listener.port}`],
            ssl: { ca: [`PEM from ${config.KAFKA_SSL_CA_FILE}`], rejectUnauthorized: true },
            sasl: { mechanism: 'scram-sha-512', username: svc, password: env.KAFKA_SASL_PASSWORD },
          }]);
        }
      }
    });

    it('pins the Kafka version and metadata version to ones the Strimzi release of the vendored CRDs supports', () => {
      // strimzi-kafka-operator kafka-versions.yaml at 1.2.0 (and at the commit the CRDs were extracted from): supported versions → metadata.
      const supported: Record<string, string> = { '4.2.0': '4.2-IV1', '4.2.1': '4.2-IV1', '4.3.0': '4.3-IV0', '4.3.1': '4.3-IV0' };
      const kafka = objs.find((o) => o.kind === 'Kafka')!;
      expect(Object.keys(supported)).toContain(kafka.spec.kafka.version);
      expect(kafka.spec.kafka.metadataVersion).toBe(supported[kafka.spec.kafka.version]);
      // docker compose (the laptop stack) runs the same broker version as the cluster.
      const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'));
      expect(compose.services.kafka.image).toBe(`apache/kafka:${kafka.spec.kafka.version}`);
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

    // The flows themselves are evaluated in network-policies.spec.ts; this pins the shape of each service's policy.
    it('NetworkPolicies: default deny, gateway only from the ingress controller, identity also from the services (JWKS), services only to PostgreSQL/Redis/Kafka/identity/SMS/SMTP/DNS', () => {
      const np = objs.filter((o) => o.kind === 'NetworkPolicy');
      const deny = np.find((o) => Object.keys(o.spec.podSelector).length === 0 && !o.spec.ingress && !o.spec.egress);
      expect([...(deny?.spec.policyTypes ?? [])].sort()).toEqual(['Egress', 'Ingress']);
      const gw = np.find((o) => o.metadata.name === 'gateway')!;
      expect(gw.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('ingress-nginx');
      for (const svc of services.filter((s) => s !== 'gateway')) {
        const p = np.find((o) => o.metadata.name === svc)!;
        const callers = svc === 'identity' ? services : ['gateway'];
        expect(p.spec.ingress[0].from).toEqual(callers.filter((c) => c !== 'identity').map((c) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': c } } })));
        for (const rule of p.spec.egress) {
          const peers = rule.to.map((t: any) => t.ipBlock ? `ip:${rule.ports.map((x: any) => x.port).join(',')}` : JSON.stringify(t.podSelector.matchLabels));
          for (const peer of peers) expect([svc, peer]).toEqual([svc, expect.stringMatching(/kube-dns|redis|cnpg\.io\/cluster|strimzi\.io\/cluster|"app\.kubernetes\.io\/name":"identity"|^ip:465,587$|^ip:443$/)]);
          if (rule.to.some((t: any) => t.ipBlock)) expect([svc, rule.ports.map((x: any) => x.port).join(',')]).toEqual(svc === 'identity' ? ['identity', '443'] : ['notification', '465,587']);
        }
      }
    });

    // Issue #25 item 1: behind ingress-nginx the gateway's peer is always an ingress pod; without its range trusted,
    // every Internet client shares one address and one bucket of the per-IP login and SMS limits.
    it('an Ingress in front of the gateway comes with the ingress pods trusted as proxies (addresses or CIDR ranges)', () => {
      const gatewayIngresses = objs.filter((o) => o.kind === 'Ingress' && JSON.stringify(o.spec).includes('"name":"gateway"'));
      expect(gatewayIngresses.length).toBeGreaterThan(0);
      const gateway = podSpecOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!).containers[0];
      const { env, secretRefs } = containerEnv(objs, gateway);
      const trusted = splitList(env.TRUSTED_PROXIES ?? '');
      expect(trusted).not.toEqual([]);
      for (const entry of trusted) {
        expect([entry, isProxyEntry(entry)]).toEqual([entry, true]);
        // Trusting every address is no better than trusting none: any client could then write its own X-Forwarded-For.
        expect(['0.0.0.0/0', '::/0']).not.toContain(entry);
      }
      expect(loadGatewayConfig(env).TRUSTED_PROXIES).toBe(env.TRUSTED_PROXIES);
      // The address the gateway resolves reaches identity's throttles only signed, with a secret both read from one Secret.
      const identity = podSpecOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'identity')!).containers[0];
      expect(secretRefs.CLIENT_IP_SECRET).toEqual({ name: 'lsc-client-ip', key: 'secret' });
      expect(containerEnv(objs, identity).secretRefs.CLIENT_IP_SECRET).toEqual(secretRefs.CLIENT_IP_SECRET);
    });

    it('the gateway Ingress terminates TLS', () => {
      const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'gateway')!;
      expect(ing.spec.tls[0].hosts).toContain(ing.spec.rules[0].host);
      expect(ing.spec.tls[0].secretName).toBeTruthy();
    });

    it('the Ingress sends / (portal, console, API) to the gateway, and the mails link to that host', () => {
      const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'gateway')!;
      expect(ing.spec.rules[0].http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } }]);
      const notification = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notification-config')!;
      expect(notification.data.PUBLIC_BASE_URL).toBe(`https://${ing.spec.rules[0].host}`);
      expect(loadNotificationConfig({ PUBLIC_BASE_URL: notification.data.PUBLIC_BASE_URL }).PUBLIC_BASE_URL).toBe(notification.data.PUBLIC_BASE_URL);
    });
  });

  describe('PostgreSQL backups (prod)', () => {
    const prod = kustomize('deploy/k8s/overlays/prod');
    const cluster = prod.find((o) => o.kind === 'Cluster' && o.metadata.name === 'lsc-pg')!;
    const store = prod.find((o) => o.kind === 'ObjectStore')!;

    it('archives WAL continuously and takes a nightly base backup through the Barman Cloud Plugin', () => {
      const plugin = cluster.spec.plugins?.find((p: any) => p.name === 'barman-cloud.cloudnative-pg.io');
      expect(plugin).toMatchObject({ isWALArchiver: true, parameters: { barmanObjectName: store.metadata.name, serverName: 'lsc-pg' } });
      expect(cluster.spec.backup).toBeUndefined(); // not the deprecated in-tree barmanObjectStore
      expect(store.spec.retentionPolicy).toMatch(/^[1-9]\d*[dwm]$/);
      expect(store.spec.configuration.destinationPath).toMatch(/^s3:\/\//);
      const scheduled = prod.filter((o) => o.kind === 'ScheduledBackup');
      expect(scheduled).toHaveLength(1);
      expect(scheduled[0].spec).toMatchObject({ cluster: { name: 'lsc-pg' }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } });
      // CloudNativePG schedules have six fields (seconds first).
      expect(scheduled[0].spec.schedule.trim().split(/\s+/)).toHaveLength(6);
      for (const dev of kustomize('deploy/k8s/overlays/dev')) expect(['ObjectStore', 'ScheduledBackup']).not.toContain(dev.kind);
    });

    it('takes object-store credentials from a Secret only', () => {
      const creds = store.spec.configuration.s3Credentials;
      expect(Object.keys(creds).sort()).toEqual(['accessKeyId', 'secretAccessKey']);
      for (const ref of Object.values<any>(creds)) expect(Object.keys(ref).sort()).toEqual(['key', 'name']);
      expect(new Set(Object.values<any>(creds).map((r) => r.name)).size).toBe(1);
      const text = JSON.stringify(store);
      expect(text).not.toMatch(/AKIA|LTAI|secret_access_key|aws_secret/i);
    });

    it('the restore overlay recovers lsc-pg from the archive prod writes to, and archives under a new serverName', () => {
      const restored = kustomize('deploy/k8s/restore');
      const r = restored.find((o) => o.kind === 'Cluster' && o.metadata.name === 'lsc-pg')!;
      // The other objects are prod's (compared below), validated with the prod overlay.
      const out = execFileSync('node', [join(repoRoot, 'deploy/test/tools/validate-k8s.mjs')], { input: JSON.stringify([r]), encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual([]);
      const source = r.spec.externalClusters.find((e: any) => e.name === r.spec.bootstrap.recovery.source);
      expect(r.spec.bootstrap.initdb).toBeUndefined();
      expect(source.plugin).toEqual({ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: store.metadata.name, serverName: cluster.spec.plugins[0].parameters.serverName } });
      expect(r.spec.plugins[0].parameters.serverName).not.toBe(source.plugin.parameters.serverName);
      // Everything else is prod as it is.
      const { bootstrap: _b1, externalClusters: _e, plugins: _p1, ...restSpec } = r.spec;
      const { bootstrap: _b2, plugins: _p2, ...prodSpec } = cluster.spec;
      expect(restSpec).toEqual(prodSpec);
      expect(restored.filter((o) => o.kind !== 'Cluster')).toEqual(prod.filter((o) => o.kind !== 'Cluster'));
    });
  });

  it('prod refuses applications for placeholder fees; dev keeps them usable', () => {
    const flag = (overlay: string) => kustomize(overlay).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'membership-config')!.data?.FEE_SCHEDULE_REQUIRE_CONFIRMED;
    expect(flag('deploy/k8s/overlays/prod')).toBe('true');
    expect(flag('deploy/k8s/overlays/dev')).toBeUndefined();
  });

  it('prod needs a second finance user for credits above FOUR_EYES_FEN, a value billing accepts; dev books at once', () => {
    const limit = (overlay: string) => kustomize(overlay).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'billing-config')!.data?.FOUR_EYES_FEN;
    expect(limit('deploy/k8s/overlays/prod')).toMatch(/^[1-9]\d*$/);
    expect(loadBillingConfig({ FOUR_EYES_FEN: limit('deploy/k8s/overlays/prod') }).FOUR_EYES_FEN).toBe(1_000_000);
    expect(limit('deploy/k8s/overlays/dev')).toBeUndefined();
  });

  it('prod runs more replicas than dev', () => {
    const replicas = (overlay: string) => kustomize(overlay).filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.minReplicas);
    expect(Math.min(...replicas('deploy/k8s/overlays/prod'))).toBeGreaterThan(Math.max(...replicas('deploy/k8s/overlays/dev')));
  });
});
