#!/usr/bin/env node
// Generates the per-service and per-topic manifests of deploy/k8s/base/generated/ from one description, so the five
// services stay uniform and the Kafka topics/users follow libs/contracts/src/topics.json.
//   node deploy/k8s/generate.mjs          write the files
//   node deploy/k8s/generate.mjs --check  exit 1 if a committed file is out of date (run by deploy tests)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(here, 'base', 'generated');
const topicsFile = JSON.parse(readFileSync(join(root, 'libs/contracts/src/topics.json'), 'utf8'));

const KAFKA_CLUSTER = 'lsc-kafka';
const PG_CLUSTER = 'lsc-pg';
const KAFKA_BOOTSTRAP = `${KAFKA_CLUSTER}-kafka-bootstrap:9093`;
const IMAGE_REPO = 'registry.example.org/lsc';
/** The public host of the Ingress (overlays replace it); the portal lives at its `/`, mails link there. */
const PUBLIC_HOST = 'members.lsc.example.org';
/**
 * Every service serves `/metrics` on this port of its own (service-kit, METRICS_PORT), so the NetworkPolicy can let
 * Prometheus reach the metrics without reaching the API. 9464: the port OpenTelemetry's Prometheus exporter uses.
 */
const METRICS_PORT = 9464;
/** Public networks: the Internet side of an egress rule (SMS provider, SMTP relay), never the cluster's own ranges. */
const INTERNET = { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } };

/** Who owns which topic and what each service consumes (docs: issue "Operations"). */
export const SERVICES = {
  gateway: { port: 3000, db: false, kafka: false, consumes: [] },
  identity: { port: 3001, db: true, kafka: true, consumes: [] },
  membership: { port: 3002, db: true, kafka: true, consumes: ['identity', 'billing'] },
  billing: { port: 3003, db: true, kafka: true, consumes: ['membership', 'identity'] },
  notification: { port: 3004, db: true, kafka: true, smtp: true, consumes: ['identity', 'membership', 'billing'] },
};
const topicOf = (svc) => {
  const t = topicsFile.topics.find((x) => x.owner === svc);
  if (!t) throw new Error(`no topic owned by ${svc} in topics.json`);
  return t.name;
};
const k8sName = (topic) => topic.replace(/[^a-z0-9-]/g, '-');
const labels = (svc, component = 'service') => ({ 'app.kubernetes.io/name': svc, 'app.kubernetes.io/component': component });

function configMap(svc, s) {
  const data = {
    SERVICE_NAME: svc,
    HTTP_HOST: '0.0.0.0',
    HTTP_PORT: String(s.port),
    KAFKA_BROKERS: KAFKA_BOOTSTRAP,
    REDIS_URL: 'redis://redis:6379',
    METRICS_PORT: String(METRICS_PORT),
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '20000',
    // Services verify access tokens with identity's public keys.
    JWT_JWKS_URL: `http://identity:${SERVICES.identity.port}/api/v1/identity/.well-known/jwks.json`,
  };
  if (s.kafka) {
    Object.assign(data, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka-ca/ca.crt', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: svc });
  }
  if (svc === 'gateway') {
    for (const other of ['identity', 'membership', 'billing', 'notification']) data[`${other.toUpperCase()}_URL`] = `http://${other}:${SERVICES[other].port}`;
    // Refuses the development CLIENT_IP_SECRET. TRUSTED_PROXIES (the ingress controller's pod range) is set per
    // cluster in the overlays.
    data.NODE_ENV = 'production';
  }
  // UV_THREADPOOL_SIZE: argon2 threads. identity's default follows the node's core count, not the container's 1-CPU
  // limit; 4 (19 MiB each while hashing) keeps a login burst well inside the 512Mi limit.
  if (svc === 'identity') Object.assign(data, { SMS_PROVIDER: 'aliyun', NODE_ENV: 'production', ALIYUN_SMS_SIGN_NAME: '中国图书馆学会', UV_THREADPOOL_SIZE: '4' });
  // Every mail's portal links are built from this one address: the Ingress host, whose `/` is the gateway's portal.
  if (svc === 'notification') data.PUBLIC_BASE_URL = `https://${PUBLIC_HOST}`;
  if (s.smtp) Object.assign(data, { SMTP_HOST: 'smtp.example.org', SMTP_PORT: '465', SMTP_SECURE: 'true', MAIL_FROM: '中国图书馆学会 <noreply@lsc.example.org>' });
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${svc}-config`, labels: labels(svc) }, data };
}

const secretEnv = (name, secret, key) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * Billing holds a whole bank statement while importing it, and exceljs loads an XLSX as a full workbook model. Node
 * sizes its heap from the container's limit (measured: 259 MiB of heap in a 512 MiB cgroup), which a 100,000-row XLSX
 * statement exceeded: billing died of "heap out of memory" and the upload got a 502. With a 320 MiB heap the same file
 * parses (431 MiB RSS at most); a 100,000-line CSV import peaked at 348 MiB RSS in billing. The overlays keep billing
 * at twice the other services' limit for the same reason.
 */
const BILLING_MEMORY_LIMIT = '1Gi';

function env(svc, s) {
  const out = [];
  if (s.db) {
    out.push(secretEnv('DB_PASSWORD', `${svc}-db`, 'password'));
    // $(DB_PASSWORD) is expanded by the kubelet; the secret value never appears in a manifest.
    out.push({ name: 'DATABASE_URL', value: `postgres://${svc}:$(DB_PASSWORD)@${PG_CLUSTER}-rw:5432/${svc}` });
  }
  if (s.kafka) out.push(secretEnv('KAFKA_SASL_PASSWORD', svc, 'password')); // Secret written by Strimzi's User Operator
  // Redis requires AUTH in the cluster (deploy/k8s/base/redis.yaml reads the same Secret).
  out.push(secretEnv('REDIS_PASSWORD', 'redis', 'password'));
  // The gateway signs the client address it resolved; identity's per-IP throttles believe only that signature.
  if (svc === 'gateway' || svc === 'identity') out.push(secretEnv('CLIENT_IP_SECRET', 'lsc-client-ip', 'secret'));
  if (svc === 'identity') {
    out.push(secretEnv('JWT_PRIVATE_KEY_PEM', 'identity-jwt', 'private.pem'), secretEnv('SMS_CODE_PEPPER', 'identity-sms', 'pepper'));
    // Key rotation (deploy/README.md): the next key is published before it signs, the previous one until its tokens
    // expire. Present in the Secret only during a rotation.
    out.push(
      { name: 'JWT_NEXT_KEY_PEM', valueFrom: { secretKeyRef: { name: 'identity-jwt', key: 'next.pem', optional: true } } },
      { name: 'JWT_PREVIOUS_KEY_PEM', valueFrom: { secretKeyRef: { name: 'identity-jwt', key: 'previous.pem', optional: true } } },
    );
    // Seals the staff TOTP secrets at rest (apps/identity/src/auth/totp/secret-box.ts).
    out.push(secretEnv('STAFF_TOTP_KEY', 'identity-totp', 'key'));
    out.push(
      secretEnv('ALIYUN_SMS_ACCESS_KEY_ID', 'identity-aliyun', 'access-key-id'),
      secretEnv('ALIYUN_SMS_ACCESS_KEY_SECRET', 'identity-aliyun', 'access-key-secret'),
      secretEnv('ALIYUN_SMS_TEMPLATE_CODES', 'identity-aliyun', 'template-codes'),
    );
  }
  if (s.smtp) out.push(secretEnv('SMTP_USER', 'notification-smtp', 'username'), secretEnv('SMTP_PASSWORD', 'notification-smtp', 'password'));
  return out;
}

const containerSecurity = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function deployment(svc, s) {
  const image = `${IMAGE_REPO}/${svc}`;
  const mounts = [{ name: 'tmp', mountPath: '/tmp' }];
  const volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  if (s.kafka) {
    mounts.push({ name: 'kafka-ca', mountPath: '/etc/kafka-ca', readOnly: true });
    volumes.push({ name: 'kafka-ca', secret: { secretName: `${KAFKA_CLUSTER}-cluster-ca-cert`, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  }
  const common = {
    image,
    envFrom: [{ configMapRef: { name: `${svc}-config` } }],
    env: env(svc, s),
    securityContext: containerSecurity,
    volumeMounts: mounts,
  };
  const resources = { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: svc === 'billing' ? BILLING_MEMORY_LIMIT : '512Mi' } };
  const httpGet = (path) => ({ path, port: 'http' });
  const container = {
    name: svc,
    ...common,
    command: ['node', `dist/apps/${svc}/main.js`],
    ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }, { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }],
    resources,
    startupProbe: { httpGet: httpGet('/health/live'), periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2 },
    livenessProbe: { httpGet: httpGet('/health/live'), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
    readinessProbe: { httpGet: httpGet('/health/ready'), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
    // Let endpoints drop the pod before SIGTERM starts the graceful shutdown.
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
  };
  const podSpec = {
    serviceAccountName: svc,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 40,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': svc } },
    })),
    ...(s.db ? {
      // TypeORM migrations under the service's advisory lock; replicas starting together wait for one another.
      initContainers: [{ name: 'migrate', ...common, command: ['node', `dist/apps/${svc}/main.js`, '--migrate-only'], resources }],
    } : {}),
    containers: [container],
    volumes,
  };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: svc, labels: labels(svc) },
    spec: {
      replicas: 2, revisionHistoryLimit: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': svc } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: { metadata: { labels: labels(svc) }, spec: podSpec },
    },
  };
}

function netpol(svc, s) {
  const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };
  const egress = [dns, { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }];
  if (s.db) egress.push({ to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': PG_CLUSTER } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  if (s.kafka) egress.push({ to: [{ podSelector: { matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/broker-role': 'true' } } }], ports: [{ protocol: 'TCP', port: 9093 }] });
  if (s.smtp) egress.push({ to: [INTERNET], ports: [{ protocol: 'TCP', port: 465 }, { protocol: 'TCP', port: 587 }] });
  // identity sends SMS codes through the provider's HTTPS API (Aliyun dysmsapi), outside the cluster.
  if (svc === 'identity') egress.push({ to: [INTERNET], ports: [{ protocol: 'TCP', port: 443 }] });
  if (svc === 'gateway') {
    for (const other of ['identity', 'membership', 'billing', 'notification']) {
      egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': other } } }], ports: [{ protocol: 'TCP', port: SERVICES[other].port }] });
    }
  } else if (svc !== 'identity') {
    // Access tokens are verified against identity's JWKS (JWT_JWKS_URL), fetched from identity's API port.
    egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'identity' } } }], ports: [{ protocol: 'TCP', port: SERVICES.identity.port }] });
  }
  const from = svc === 'gateway'
    ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }]
    : svc === 'identity'
      ? ['gateway', ...Object.keys(SERVICES).filter((o) => o !== 'gateway' && o !== 'identity')].map((o) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': o } } }))
      : [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }];
  const ingress = [
    { from, ports: [{ protocol: 'TCP', port: s.port }] },
    // Prometheus scrapes the metrics port only, never the API.
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: METRICS_PORT }] },
  ];
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: svc, labels: labels(svc) },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': svc } }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  };
}

function serviceObjects(svc, s) {
  const sel = { 'app.kubernetes.io/name': svc };
  const objs = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: svc, labels: labels(svc) }, automountServiceAccountToken: false },
    configMap(svc, s),
    deployment(svc, s),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: svc, labels: labels(svc) }, spec: { type: 'ClusterIP', selector: sel, ports: [{ name: 'http', port: s.port, targetPort: 'http', protocol: 'TCP' }, { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }] } },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: svc, labels: labels(svc) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc }, minReplicas: 2, maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: svc, labels: labels(svc) }, spec: { maxUnavailable: 1, selector: { matchLabels: sel } } },
    netpol(svc, s),
    {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: svc, labels: labels(svc) },
      spec: { selector: { matchLabels: sel }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }] },
    },
  ];
  if (svc === 'gateway') {
    objs.push({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: 'gateway', labels: labels(svc), annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '20m' } },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: [PUBLIC_HOST], secretName: 'gateway-tls' }],
        // Everything goes to the gateway: /api/v1 for the API, / for the portal, /console/ for the staff console.
        rules: [{ host: PUBLIC_HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } }] } }],
      },
    });
  }
  return objs;
}

function kafkaTopics() {
  return topicsFile.topics.flatMap((t) => [t.name, `${t.name}.dlt`].map((name) => ({
    apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic',
    metadata: { name: k8sName(name), labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      topicName: name, partitions: topicsFile.partitions, replicas: 3,
      config: {
        'retention.ms': String(t.retentionMs),
        'min.insync.replicas': '2',
        'cleanup.policy': 'delete',
        // billing's events may carry e-invoice documents; see libs/contracts/src/topics.json.
        ...(t.maxMessageBytes ? { 'max.message.bytes': String(t.maxMessageBytes) } : {}),
      },
    },
  })));
}

const acl = (type, name, operations, patternType = 'literal') => ({ type: 'allow', resource: { type, name, patternType }, operations });

function kafkaUsers() {
  const users = Object.entries(SERVICES).filter(([, s]) => s.kafka).map(([svc, s]) => {
    const own = topicOf(svc);
    const consumed = s.consumes.map(topicOf);
    const acls = [
      acl('topic', own, ['Write', 'Describe']),
      acl('topic', `${own}.dlt`, ['Write', 'Describe']),
      ...consumed.flatMap((t) => [acl('topic', t, ['Read', 'Describe']), acl('topic', `${t}.dlt`, ['Write', 'Describe'])]),
    ];
    // NestJS appends "-server"/"-client" to the configured group id: allow the service's own group prefix only.
    if (consumed.length) acls.push(acl('group', svc, ['Read', 'Describe'], 'prefix'));
    return {
      apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser',
      metadata: { name: svc, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, ...labels(svc) } },
      spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
    };
  });
  // Operators' tool for `npm run dlt -- replay <topic>`: reads dead-letter topics, re-publishes to the source topic.
  const all = topicsFile.topics.map((t) => t.name);
  users.push({
    apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaUser',
    metadata: { name: 'lsc-ops', labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/name': 'lsc-ops', 'app.kubernetes.io/component': 'operations' } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [
          ...all.map((t) => acl('topic', `${t}.dlt`, ['Read', 'Describe'])),
          ...all.map((t) => acl('topic', t, ['Write', 'Describe'])),
          // scripts/dlt.mjs consumes as groups lsc-dlt-list-<time> and lsc-dlt-replay-<topic>.
          acl('group', 'lsc-dlt-', ['Read', 'Describe'], 'prefix'),
        ],
      },
    },
  });
  return users;
}

function databases() {
  return Object.entries(SERVICES).filter(([, s]) => s.db).map(([svc]) => ({
    apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database',
    metadata: { name: `${PG_CLUSTER}-${svc}`, labels: labels(svc, 'database') },
    spec: { cluster: { name: PG_CLUSTER }, name: svc, owner: svc, ensure: 'present', databaseReclaimPolicy: 'retain' },
  }));
}

const header = '# GENERATED by deploy/k8s/generate.mjs from libs/contracts/src/topics.json — edit the generator, then run it.\n';
const yamlDocs = (objs) => header + objs.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

const files = {
  ...Object.fromEntries(Object.entries(SERVICES).map(([svc, s]) => [`${svc}.yaml`, yamlDocs(serviceObjects(svc, s))])),
  'kafka-topics.yaml': yamlDocs(kafkaTopics()),
  'kafka-users.yaml': yamlDocs(kafkaUsers()),
  'databases.yaml': yamlDocs(databases()),
};

if (process.argv.includes('--check')) {
  const stale = Object.entries(files).filter(([f, text]) => !existsSync(join(outDir, f)) || readFileSync(join(outDir, f), 'utf8') !== text);
  if (stale.length) {
    console.error(`out of date: ${stale.map(([f]) => f).join(', ')} (run node deploy/k8s/generate.mjs)`);
    process.exit(1);
  }
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(outDir, f), text);
  console.log(`wrote ${Object.keys(files).length} files to ${outDir}`);
}
