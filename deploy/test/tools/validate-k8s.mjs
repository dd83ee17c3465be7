#!/usr/bin/env node
// Validates Kubernetes objects offline. Reads a JSON array of objects on stdin, prints a JSON array of
// { index, kind, name, errors } for the invalid ones (empty array when all are valid).
// Built-in kinds: kubernetes-models; prometheus-operator kinds: @kubernetes-models/prometheus-operator;
// Strimzi and CloudNativePG kinds: the vendored CRD schemas in ../crd-schemas (strict: unknown fields are errors,
// as with `kubectl apply --validate=strict`). An apiVersion/kind without a schema is an error.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// ajv 8 as used by @kubernetes-models/validate (the workspace root's own ajv is eslint's ajv 6).
const Ajv = createRequire(join(here, '..', '..', '..', 'node_modules', '@kubernetes-models', 'validate', 'package.json'))('ajv');
const ajv = new (Ajv.default ?? Ajv)({ strict: false, allErrors: true, validateFormats: false });

const strict = (schema) => {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)])) : strict(v)]));
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
};
const crdValidators = new Map();
for (const f of readdirSync(join(here, '..', 'crd-schemas'))) {
  const { group, kind, version, schema } = JSON.parse(readFileSync(join(here, '..', 'crd-schemas', f), 'utf8'));
  const s = strict(schema);
  s.properties.metadata = { type: 'object' };
  crdValidators.set(`${group}/${version}/${kind}`, ajv.compile(s));
}

const modules = new Map();
async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const spec = group === 'monitoring.coreos.com' ? `@kubernetes-models/prometheus-operator/${group}/${version}` : `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  if (!modules.has(spec)) modules.set(spec, await import(spec).catch(() => null));
  return modules.get(spec)?.[kind];
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const failures = [];
for (const [index, obj] of objects.entries()) {
  const id = { index, kind: obj?.kind, name: obj?.metadata?.name };
  const crd = crdValidators.get(`${obj.apiVersion}/${obj.kind}`);
  if (crd) {
    if (!crd(obj)) failures.push({ ...id, errors: crd.errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`) });
    continue;
  }
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) { failures.push({ ...id, errors: [`no schema for ${obj.apiVersion} ${obj.kind}`] }); continue; }
  try { new Model(obj).validate(); } catch (e) { failures.push({ ...id, errors: [String(e.message ?? e)] }); }
}
process.stdout.write(JSON.stringify(failures));
