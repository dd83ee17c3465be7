import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = join(__dirname, '..', '..');
export const services = ['gateway', 'identity', 'membership', 'billing', 'notification'] as const;
export type ServiceName = (typeof services)[number];

export interface Topic { name: string; owner: string; retentionMs: number }
export function readTopics(): { partitions: number; topics: Topic[] } {
  return JSON.parse(readFileSync(join(repoRoot, 'libs/contracts/src/topics.json'), 'utf8'));
}

/** A command line that works here, or an explanation why none does (the caller fails the test with it). */
export function findCommand(candidates: string[][]): string[] {
  for (const cmd of candidates) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  throw new Error(`none of ${candidates.map((c) => c.join(' ')).join(', ')} works on this machine`);
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const renderCache = new Map<string, K8sObject[]>();
/** `kubectl kustomize <dir>` parsed into objects. */
export function kustomize(dir: string): K8sObject[] {
  const cached = renderCache.get(dir);
  if (cached) return cached;
  const out = execFileSync('kubectl', ['kustomize', join(repoRoot, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const docs = parseAllDocuments(out).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS() as K8sObject;
  }).filter(Boolean);
  renderCache.set(dir, docs);
  return docs;
}

export const overlays = ['deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod'];
