// Typed views over GitHub workflows and composite actions; every part remembers its route.

import type { Route, YamlFile } from './yaml-doc.js';

export interface StringAt {
  value: string;
  route: Route;
}

export interface StepModel {
  index: number;
  route: Route;
  name: string | undefined;
  id: string | undefined;
  uses: StringAt | undefined;
  run: StringAt | undefined;
  with: Map<string, StringAt>;
  env: Map<string, StringAt>;
  if: StringAt | undefined;
}

export interface JobModel {
  id: string;
  route: Route;
  raw: Record<string, unknown>;
  /** `permissions:` of the job when present. */
  permissions: PermissionsModel | undefined;
  env: Map<string, StringAt>;
  steps: StepModel[];
  /** `uses:` of a reusable-workflow job. */
  uses: StringAt | undefined;
  if: StringAt | undefined;
  container: unknown;
  timeoutMinutes: unknown;
  environment: unknown;
}

export type PermissionLevel = 'read' | 'write' | 'none';

export interface PermissionsModel {
  route: Route;
  /** `read-all`, `write-all`, `{}` or a scope map. */
  kind: 'read-all' | 'write-all' | 'scopes';
  scopes: Map<string, PermissionLevel>;
}

export interface WorkflowModel {
  file: YamlFile;
  kind: 'workflow' | 'action';
  /** Trigger event names (empty for composite actions). */
  triggers: string[];
  triggerRoute: Route;
  permissions: PermissionsModel | undefined;
  env: Map<string, StringAt>;
  jobs: JobModel[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function stringAt(container: Record<string, unknown>, key: string, route: Route): StringAt | undefined {
  const value = str(container[key]);
  return value === undefined ? undefined : { value, route: [...route, key] };
}

function stringMap(value: unknown, route: Route): Map<string, StringAt> {
  const map = new Map<string, StringAt>();
  if (!isRecord(value)) return map;
  for (const [key, item] of Object.entries(value)) {
    const text = str(item);
    if (text !== undefined) map.set(key, { value: text, route: [...route, key] });
  }
  return map;
}

function permissions(value: unknown, route: Route): PermissionsModel | undefined {
  if (value === undefined) return undefined;
  if (value === 'read-all' || value === 'write-all') return { route, kind: value, scopes: new Map() };
  const scopes = new Map<string, PermissionLevel>();
  if (isRecord(value)) {
    for (const [scope, level] of Object.entries(value)) {
      if (level === 'read' || level === 'write' || level === 'none') scopes.set(scope, level);
    }
  }
  return { route, kind: 'scopes', scopes };
}

function steps(value: unknown, route: Route): StepModel[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((step, index): StepModel[] => {
    if (!isRecord(step)) return [];
    const at = [...route, index];
    return [
      {
        index,
        route: at,
        name: str(step.name),
        id: str(step.id),
        uses: stringAt(step, 'uses', at),
        run: stringAt(step, 'run', at),
        with: stringMap(step.with, [...at, 'with']),
        env: stringMap(step.env, [...at, 'env']),
        if: stringAt(step, 'if', at),
      },
    ];
  });
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.filter((item): item is string => typeof item === 'string');
  if (isRecord(on)) return Object.keys(on);
  return [];
}

export function workflowModel(file: YamlFile): WorkflowModel | undefined {
  const root = file.value;
  if (!isRecord(root)) return undefined;
  const jobs: JobModel[] = [];
  if (isRecord(root.jobs)) {
    for (const [id, job] of Object.entries(root.jobs)) {
      if (!isRecord(job)) continue;
      const route: Route = ['jobs', id];
      jobs.push({
        id,
        route,
        raw: job,
        permissions: permissions(job.permissions, [...route, 'permissions']),
        env: stringMap(job.env, [...route, 'env']),
        steps: steps(job.steps, [...route, 'steps']),
        uses: stringAt(job, 'uses', route),
        if: stringAt(job, 'if', route),
        container: job.container,
        timeoutMinutes: job['timeout-minutes'],
        environment: job.environment,
      });
    }
  }
  // YAML 1.1 readers turn a bare `on` key into `true`; the yaml package keeps it as "on".
  const on = root.on ?? root['true'];
  return {
    file,
    kind: 'workflow',
    triggers: triggers(on),
    triggerRoute: ['on'],
    permissions: permissions(root.permissions, ['permissions']),
    env: stringMap(root.env, ['env']),
    jobs,
  };
}

/** A composite action's steps, viewed as one job so workflow rules apply unchanged. */
export function actionModel(file: YamlFile): WorkflowModel | undefined {
  const root = file.value;
  if (!isRecord(root) || !isRecord(root.runs)) return undefined;
  const route: Route = ['runs'];
  const job: JobModel = {
    id: '(composite)',
    route,
    raw: root.runs,
    permissions: undefined,
    env: new Map(),
    steps: steps(root.runs.steps, ['runs', 'steps']),
    uses: undefined,
    if: undefined,
    container: undefined,
    timeoutMinutes: undefined,
    environment: undefined,
  };
  return { file, kind: 'action', triggers: [], triggerRoute: [], permissions: undefined, env: new Map(), jobs: [job] };
}

/** Splits `owner/repo/path@ref` into its parts; local (`./`) and `docker://` uses return undefined. */
export interface UsesRef {
  owner: string;
  repo: string;
  path: string;
  ref: string | undefined;
}

const usesCache = new Map<string, UsesRef | undefined>();

/** Many rules ask about the same `uses:` strings, so answers are cached (and frozen). */
export function parseUses(uses: string): Readonly<UsesRef> | undefined {
  if (usesCache.has(uses)) return usesCache.get(uses);
  const parsed = parseUsesUncached(uses);
  if (usesCache.size > 10_000) usesCache.clear();
  usesCache.set(uses, parsed && Object.freeze(parsed));
  return parsed;
}

function parseUsesUncached(uses: string): UsesRef | undefined {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return undefined;
  const [target, ref] = uses.split('@', 2) as [string, string | undefined];
  const [owner, repo, ...rest] = target.split('/');
  if (!owner || !repo) return undefined;
  return { owner: owner.toLowerCase(), repo: repo.toLowerCase(), path: rest.join('/'), ref };
}

export function isShaRef(ref: string | undefined): boolean {
  return ref !== undefined && /^[0-9a-f]{40}$/i.test(ref);
}
