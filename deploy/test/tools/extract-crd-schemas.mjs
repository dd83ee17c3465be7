#!/usr/bin/env node
// Vendors the openAPIV3Schema of the operator CRDs the manifests use, so deploy tests validate offline.
// Usage: node deploy/test/tools/extract-crd-schemas.mjs <source label> <crd.yaml>...   (descriptions are dropped)
// Sources used: strimzi/strimzi-kafka-operator packaging/install/cluster-operator/04[03458]-Crd-*.yaml (commit 8541da1e33,
// after release 1.2.0), cloudnative-pg/cloudnative-pg config/crd/bases/postgresql.cnpg.io_{clusters,databases,scheduledbackups}.yaml
// (a95a534db, after 1.30.0) and cloudnative-pg/plugin-barman-cloud config/crd/bases/barmancloud.cnpg.io_objectstores.yaml
// (v0.14.0), all Apache-2.0.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'crd-schemas');
const [source, ...files] = process.argv.slice(2);
const strip = (node) => {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'description').map(([k, v]) => [k, strip(v)]));
  }
  return node;
};
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS())) {
    if (doc?.kind !== 'CustomResourceDefinition') continue;
    for (const v of doc.spec.versions.filter((x) => x.served)) {
      const name = `${doc.spec.group}_${doc.spec.names.kind}_${v.name}.json`;
      const body = { source, group: doc.spec.group, kind: doc.spec.names.kind, version: v.name, schema: strip(v.schema.openAPIV3Schema) };
      writeFileSync(join(outDir, name), JSON.stringify(body) + '\n');
      console.log(name);
    }
  }
}
