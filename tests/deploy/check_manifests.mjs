// Checks the Kubernetes manifests under deploy/kubernetes against the
// Kubernetes API schemas (kubernetes-models) and the suite's own rules:
// every service pod is hardened, probed over gRPC and single-writer, and
// every Service port reaches a named container port of its pods, and every
// peer address names a Service and one of its ports.
// usage: node check_manifests.mjs <repo root>
// The packages come from the repository's node_modules (tools/dev/install-deps).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';

const root = process.argv[2];
const models = { 'v1': core, 'apps/v1': apps, 'networking.k8s.io/v1': networking };

const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

// Resolves a kustomization's resources (files and folders) into documents.
function loadKustomization(dir, seen = new Set()) {
  const file = path.join(dir, 'kustomization.yaml');
  if (!fs.existsSync(file)) { fail(dir, 'no kustomization.yaml'); return []; }
  const kustomization = YAML.parse(fs.readFileSync(file, 'utf8'));
  const docs = [];
  for (const resource of kustomization.resources ?? []) {
    const target = path.join(dir, resource);
    if (seen.has(target)) continue;
    seen.add(target);
    if (!fs.existsSync(target)) { fail(file, `resource ${resource} does not exist`); continue; }
    if (fs.statSync(target).isDirectory()) {
      docs.push(...loadKustomization(target, seen));
    } else {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(target, 'utf8'))) {
        if (doc.errors.length) fail(target, doc.errors.map(String).join('; '));
        const value = doc.toJS();
        if (value) docs.push({ file: target, value });
      }
    }
  }
  return docs;
}

function validate({ file, value }) {
  const where = `${path.relative(root, file)} ${value.kind}/${value.metadata?.name}`;
  const group = models[value.apiVersion];
  const Model = group?.[value.kind];
  if (!Model) { fail(where, `unknown apiVersion/kind ${value.apiVersion} ${value.kind}`); return; }
  try {
    new Model(value).validate();
  } catch (error) {
    fail(where, `schema: ${error.message}`);
  }
  return where;
}

function checkWorkload(where, workload) {
  const spec = workload.spec;
  if (spec.replicas !== 1) fail(where, 'a service owns one SQLite file: replicas must be 1');
  const pod = spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) fail(where, 'pod must set runAsNonRoot');
  if (pod.automountServiceAccountToken === true) fail(where, 'pod must not mount a token');
  for (const c of pod.containers) {
    const at = `${where} container ${c.name}`;
    if (!c.readinessProbe?.grpc) fail(at, 'needs a gRPC readiness probe');
    if (!c.livenessProbe?.grpc) fail(at, 'needs a gRPC liveness probe');
    if (!c.resources?.limits?.memory) fail(at, 'needs a memory limit');
    if (c.securityContext?.allowPrivilegeEscalation !== false) fail(at, 'must forbid privilege escalation');
    if (c.securityContext?.readOnlyRootFilesystem !== true) fail(at, 'needs a read-only root filesystem');
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    for (const name of ['CRM_GRPC_ADDRESS', 'CRM_METRICS_ADDRESS', 'CRM_DATA_DIR']) {
      if (!env[name]) fail(at, `needs ${name}`);
    }
    const mounted = (c.volumeMounts ?? []).some((m) => m.mountPath === env.CRM_DATA_DIR);
    if (!mounted) fail(at, 'the data folder must be a mounted volume');
  }
}

function checkServices(docs) {
  const pods = docs.filter((d) => d.value.kind === 'StatefulSet' || d.value.kind === 'Deployment');
  for (const { value } of docs.filter((d) => d.value.kind === 'Service')) {
    const where = `Service/${value.metadata.name}`;
    const selector = value.spec.selector ?? {};
    const matching = pods.filter(({ value: w }) => Object.entries(selector)
      .every(([k, v]) => w.spec.template.metadata.labels?.[k] === v));
    if (matching.length === 0) { fail(where, 'selects no pod'); continue; }
    for (const port of value.spec.ports) {
      const named = matching.some(({ value: w }) => w.spec.template.spec.containers
        .some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
      if (!named) fail(where, `targetPort ${port.targetPort} is no named container port`);
    }
  }
}

// A service reaches its peers through CRM_<PEER>_ADDRESS = "<service>:<port>":
// that Service must exist and expose the port.
function checkPeers(docs) {
  const services = new Map(docs.filter((d) => d.value.kind === 'Service')
    .map((d) => [d.value.metadata.name, d.value]));
  for (const { value: w } of docs.filter((d) => d.value.kind === 'StatefulSet' || d.value.kind === 'Deployment')) {
    for (const c of w.spec.template.spec.containers) {
      for (const e of c.env ?? []) {
        const peer = /^CRM_([A-Z]+)_ADDRESS$/.exec(e.name);
        if (!peer || e.name === 'CRM_GRPC_ADDRESS' || e.name === 'CRM_METRICS_ADDRESS') continue;
        const at = `${w.kind}/${w.metadata.name} ${e.name}`;
        const [host, port] = String(e.value).split(':');
        const service = services.get(host);
        if (!service) { fail(at, `no Service named ${host}`); continue; }
        if (!service.spec.ports.some((p) => String(p.port) === port)) {
          fail(at, `Service ${host} has no port ${port}`);
        }
      }
    }
  }
}

const overlays = path.join(root, 'deploy/kubernetes/overlays');
const roots = [path.join(root, 'deploy/kubernetes/base'),
  ...fs.readdirSync(overlays).map((o) => path.join(overlays, o))];
let checked = 0;
for (const dir of roots) {
  const docs = loadKustomization(dir);
  for (const doc of docs) {
    const where = validate(doc);
    if (where && (doc.value.kind === 'StatefulSet' || doc.value.kind === 'Deployment')) {
      checkWorkload(where, doc.value);
    }
    checked++;
  }
  checkServices(docs);
  checkPeers(docs);
}
if (checked === 0) fail('deploy/kubernetes', 'no manifests found');
for (const f of failures) console.error(`FAIL ${f}`);
console.log(`${checked - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
