// The Kubernetes package (infra/k8s) as a cluster would receive it: each overlay rendered by
// `kubectl kustomize`, every object validated against the Kubernetes API schemas
// (kubernetes-models), and the properties an operator relies on checked on the rendered objects:
// every deployable is there with probes on a port it declares, nothing runs as root, every
// Secret and ConfigMap key a pod reads exists (development) or is documented (production), the
// topic Job carries the same script and topic list as docker-compose, and production generates no
// secret of its own.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const infra = fileURLToPath(new URL('..', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped JSON until validated
type Obj = any;

const models: Record<string, new (data: Obj) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

const DEPLOYABLES = [
  'optout-consumer',
  'sms-stop-consumer',
  'dns-consumer',
  'complaint-consumer',
  'email-sender',
  'sms-sender',
  'edge',
  'abuse-inbox',
  'suppression-api',
  'webhooks',
];

function render(overlay: string): Obj[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', `${infra}/k8s/overlays/${overlay}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('kubectl (with kustomize v4 or newer) is needed to render infra/k8s');
    throw new Error(`kubectl kustomize ${overlay} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(out).map((d) => d.toJS());
}

/** A generated ConfigMap's or Secret's name without kustomize's content-hash suffix. */
const baseName = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');

/**
 * kustomize folds long base64 Secret values over lines; the API server's decoder skips the line
 * breaks, the schema's `byte` format does not, so they are joined before validation.
 */
function unfolded(o: Obj): Obj {
  if (o.kind !== 'Secret' || !o.data) return o;
  return {
    ...o,
    data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s/g, '')])),
  };
}

const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const named = (objs: Obj[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && baseName(o.metadata.name) === baseName(name));
const podSpecs = (objs: Obj[]) =>
  objs
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((o) => ({ o, pod: o.spec.template.spec }));

/** Every (Secret|ConfigMap, name, key) a container reads, and the whole objects it reads with envFrom. */
function references(objs: Obj[]) {
  const keys: { kind: 'Secret' | 'ConfigMap'; name: string; key: string; optional: boolean }[] = [];
  const whole: { kind: 'Secret' | 'ConfigMap'; name: string }[] = [];
  for (const { pod } of podSpecs(objs)) {
    for (const c of pod.containers) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        const m = e.valueFrom?.configMapKeyRef;
        if (s) keys.push({ kind: 'Secret', name: s.name, key: s.key, optional: s.optional === true });
        if (m) keys.push({ kind: 'ConfigMap', name: m.name, key: m.key, optional: m.optional === true });
      }
      for (const f of c.envFrom ?? []) {
        if (f.secretRef) whole.push({ kind: 'Secret', name: f.secretRef.name });
        if (f.configMapRef) whole.push({ kind: 'ConfigMap', name: f.configMapRef.name });
      }
    }
    for (const v of pod.volumes ?? [])
      if (v.configMap) whole.push({ kind: 'ConfigMap', name: v.configMap.name });
  }
  return { keys, whole };
}

describe.each(['development', 'production'])('infra/k8s overlay %s', (overlay) => {
  const objs = render(overlay);

  it('renders only objects that validate against the Kubernetes API schemas', () => {
    expect(objs.length).toBeGreaterThan(20);
    for (const o of objs) {
      const Model = models[`${o.apiVersion}/${o.kind}`];
      expect(Model, `no schema for ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model!(unfolded(o)).validate(), `${o.kind}/${o.metadata?.name}`).not.toThrow();
    }
  });

  it('has a Deployment per deployable, each probed on /healthz and /readyz at a port it declares', () => {
    const deployments = byKind(objs, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...DEPLOYABLES].sort());
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      const ports = new Set((c.ports ?? []).map((p: Obj) => p.name));
      expect(c.readinessProbe.httpGet.path, d.metadata.name).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path, d.metadata.name).toBe('/healthz');
      expect(ports.has(c.readinessProbe.httpGet.port), d.metadata.name).toBe(true);
      expect(ports.has(c.livenessProbe.httpGet.port), d.metadata.name).toBe(true);
      expect(c.image).toMatch(new RegExp(`^suppression-platform/${d.metadata.name}(:|$)`));
      expect(c.resources.requests.memory, d.metadata.name).toBeDefined();
      expect(c.resources.limits.memory, d.metadata.name).toBeDefined();
      // The service's own source exists where the image runs it from (infra/Dockerfile).
      expect(existsSync(`${repo}/services/${d.metadata.name}/src/main.ts`)).toBe(true);
    }
  });

  it('runs the platform’s pods as non-root, read-only, with /tmp writable and the shared settings', () => {
    for (const { o, pod } of podSpecs(objs)) {
      const c = pod.containers[0];
      if (!c.image.startsWith('suppression-platform/')) continue; // Kafka, PostgreSQL, topic Job
      expect(pod.securityContext.runAsNonRoot, o.metadata.name).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation, o.metadata.name).toBe(false);
      expect(c.securityContext.readOnlyRootFilesystem, o.metadata.name).toBe(true);
      expect(c.securityContext.capabilities.drop, o.metadata.name).toEqual(['ALL']);
      {
        const tmp = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/tmp');
        expect(tmp, `${o.metadata.name} /tmp`).toBeDefined();
        expect(pod.volumes.find((v: Obj) => v.name === tmp.name).emptyDir).toBeDefined();
      }
      const from = (c.envFrom ?? []).map((f: Obj) => baseName(f.configMapRef?.name ?? f.secretRef?.name));
      expect(from, o.metadata.name).toEqual(['platform', 'suppression-secrets']);
    }
  });

  it('gives every consumer, sender and public endpoint a PodDisruptionBudget that selects its pods', () => {
    const pdbs = byKind(objs, 'PodDisruptionBudget');
    for (const name of DEPLOYABLES.filter((n) => n !== 'abuse-inbox')) {
      const labels = named(objs, 'Deployment', name).spec.template.metadata.labels;
      const pdb = pdbs.filter((p) =>
        Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      expect(pdb.length, `PDB for ${name}`).toBe(1);
      expect(pdb[0].spec.maxUnavailable).toBe(1);
    }
  });

  it('reads only ConfigMap keys that exist', () => {
    const { keys, whole } = references(objs);
    for (const r of keys.filter((k) => k.kind === 'ConfigMap')) {
      const cm = named(objs, 'ConfigMap', r.name);
      expect(cm, `ConfigMap ${r.name}`).toBeDefined();
      expect(Object.keys(cm.data), `${r.name}.${r.key}`).toContain(r.key);
    }
    for (const r of whole.filter((w) => w.kind === 'ConfigMap')) {
      expect(named(objs, 'ConfigMap', r.name), `ConfigMap ${r.name}`).toBeDefined();
    }
  });

  it('creates topics with the very script and topic list docker-compose uses, and migrates with dist/migrate.js', () => {
    const job = named(objs, 'Job', 'create-topics');
    const volume = job.spec.template.spec.volumes.find((v: Obj) => v.name === 'topics');
    const cm = named(objs, 'ConfigMap', volume.configMap.name);
    expect(cm.data['create-topics.sh']).toBe(readFileSync(`${infra}/topics/create-topics.sh`, 'utf8'));
    expect(cm.data['topics.json']).toBe(readFileSync(`${infra}/topics/topics.json`, 'utf8'));
    const compose = readFileSync(`${repo}/docker-compose.yml`, 'utf8');
    expect(compose).toContain('./infra/topics:/infra:ro');
    const migrate = named(objs, 'Job', 'migrate').spec.template.spec.containers[0];
    expect(migrate.image).toMatch(/^suppression-platform\/suppression-api(:|$)/);
    // The images run the compiled entries (scripts/build.mjs): dist/X.js is built from src/X.ts.
    const source = (script: string) => script.replace(/^dist\/(.+)\.js$/, 'src/$1.ts');
    expect(migrate.command).toEqual(['node', 'dist/migrate.js']);
    expect(existsSync(`${repo}/services/suppression-api/${source(migrate.command.at(-1))}`)).toBe(true);
    // The daily retention job runs the same entry as compose's `retention` service, once.
    const retention = named(objs, 'CronJob', 'retention').spec.jobTemplate.spec.template.spec.containers[0];
    expect(existsSync(`${repo}/services/suppression-api/${source(retention.command.at(-1))}`)).toBe(true);
    expect(retention.env).toContainEqual({ name: 'RETENTION_EVERY_SECONDS', value: '0' });
  });

  it('documents every Secret key a pod reads in infra/k8s/README.md', () => {
    const readme = readFileSync(`${infra}/k8s/README.md`, 'utf8');
    const { keys, whole } = references(objs);
    for (const r of keys.filter((k) => k.kind === 'Secret')) {
      expect(readme, `${r.name} ${r.key}`).toContain(`\`${r.key}\``);
      expect(readme).toContain(`\`${baseName(r.name)}\``);
    }
    for (const r of whole.filter((w) => w.kind === 'Secret'))
      expect(readme).toContain(`\`${baseName(r.name)}\``);
  });
});

describe('infra/k8s development overlay', () => {
  const objs = render('development');

  it('generates every Secret key a pod needs, and runs Kafka and PostgreSQL in the namespace', () => {
    const { keys, whole } = references(objs);
    for (const r of keys.filter((k) => k.kind === 'Secret' && !k.optional)) {
      const secret = named(objs, 'Secret', r.name);
      expect(secret, `Secret ${r.name}`).toBeDefined();
      expect(Object.keys(secret.data), `${r.name}.${r.key}`).toContain(r.key);
    }
    for (const r of whole.filter((w) => w.kind === 'Secret'))
      expect(named(objs, 'Secret', r.name)).toBeDefined();
    const platform = named(objs, 'ConfigMap', 'platform');
    const [host] = platform.data.KAFKA_BROKERS.split(':');
    expect(named(objs, 'Service', host), 'a Service for KAFKA_BROKERS').toBeDefined();
    const secrets = named(objs, 'Secret', 'suppression-secrets');
    const dbHost = new URL(Buffer.from(unfolded(secrets).data.DATABASE_URL, 'base64').toString()).hostname;
    expect(named(objs, 'Service', dbHost), 'a Service for DATABASE_URL').toBeDefined();
    expect(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'suppression-dev')).toBe(
      true,
    );
  });
});

describe('infra/k8s production overlay', () => {
  const objs = render('production');

  it('generates no Secret, pins image tags, and runs every public endpoint and sender twice', () => {
    expect(byKind(objs, 'Secret')).toEqual([]);
    for (const d of byKind(objs, 'Deployment')) {
      expect(d.spec.template.spec.containers[0].image, d.metadata.name).toMatch(/:(?!latest$)[\w.-]+$/);
    }
    for (const name of ['edge', 'suppression-api', 'email-sender', 'sms-sender']) {
      expect(named(objs, 'Deployment', name).spec.replicas, name).toBeGreaterThanOrEqual(2);
    }
    expect(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'suppression')).toBe(true);
  });

  it('replicates topics three times with two in sync, and says it is production', () => {
    const platform = named(objs, 'ConfigMap', 'platform');
    expect(platform.data.TOPIC_REPLICATION_FACTOR).toBe('3');
    expect(platform.data.TOPIC_MIN_INSYNC_REPLICAS).toBe('2');
    expect(platform.data.SP_ENV).toBe('production');
    const env = named(objs, 'Job', 'create-topics').spec.template.spec.containers[0].env;
    const rf = env.find((e: Obj) => e.name === 'REPLICATION_FACTOR').valueFrom.configMapKeyRef;
    expect(rf.name).toBe(platform.metadata.name);
    expect(rf.key).toBe('TOPIC_REPLICATION_FACTOR');
  });
});
