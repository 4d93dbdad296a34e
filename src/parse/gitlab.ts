// A typed view of `.gitlab-ci.yml`: global settings and jobs, every script line with its route.

import type { StringAt } from './workflow.js';
import type { Route, YamlFile } from './yaml-doc.js';

export interface GitlabJob {
  id: string;
  route: Route;
  raw: Record<string, unknown>;
  /** The job's `image:`, or the inherited `default:`/global one; undefined when none applies. */
  image: StringAt | undefined;
  /** The job's own `variables:` (global ones are on the model). */
  variables: Map<string, StringAt>;
  /** Own `before_script:`, or the inherited default; each line keeps its own route. */
  beforeScript: StringAt[];
  script: StringAt[];
  afterScript: StringAt[];
}

export interface GitlabCiModel {
  file: YamlFile;
  variables: Map<string, StringAt>;
  /** `default: image:` or the older top-level `image:`. */
  image: StringAt | undefined;
  jobs: GitlabJob[];
}

/** Top-level keys that configure the pipeline instead of naming a job. */
const GLOBAL_KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec', 'types']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `image: node:20` or `image: { name: node:20 }`. */
function image(value: unknown, route: Route): StringAt | undefined {
  const plain = scalar(value);
  if (plain !== undefined) return { value: plain, route };
  if (isRecord(value)) {
    const name = scalar(value.name);
    if (name !== undefined) return { value: name, route: [...route, 'name'] };
  }
  return undefined;
}

/** `KEY: value` or `KEY: { value: …, description: … }`. */
function variables(value: unknown, route: Route): Map<string, StringAt> {
  const map = new Map<string, StringAt>();
  if (!isRecord(value)) return map;
  for (const [name, entry] of Object.entries(value)) {
    const plain = scalar(entry);
    if (plain !== undefined) map.set(name, { value: plain, route: [...route, name] });
    else if (isRecord(entry) && scalar(entry.value) !== undefined) map.set(name, { value: scalar(entry.value) as string, route: [...route, name, 'value'] });
  }
  return map;
}

/** A script is one string or a list; YAML anchors can nest lists one level deeper. */
function scriptLines(value: unknown, route: Route): StringAt[] {
  const single = scalar(value);
  if (single !== undefined) return [{ value: single, route }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index): StringAt[] => {
    const text = scalar(item);
    if (text !== undefined) return [{ value: text, route: [...route, index] }];
    return Array.isArray(item) ? scriptLines(item, [...route, index]) : [];
  });
}

const cache = new WeakMap<YamlFile, GitlabCiModel>();

/**
 * The pipeline model. Hidden jobs (`.name`) are templates and are skipped; `extends:` and `include:`
 * are not resolved, so a job only shows what its own file says (plus `default:` inheritance).
 */
export function gitlabModel(file: YamlFile): GitlabCiModel | undefined {
  const cached = cache.get(file);
  if (cached) return cached;
  const root = file.value;
  if (!isRecord(root)) return undefined;
  const defaults = isRecord(root.default) ? root.default : {};
  const defaultImage = image(defaults.image, ['default', 'image']) ?? image(root.image, ['image']);
  const defaultBefore = defaults.before_script !== undefined ? scriptLines(defaults.before_script, ['default', 'before_script']) : scriptLines(root.before_script, ['before_script']);
  const defaultAfter = defaults.after_script !== undefined ? scriptLines(defaults.after_script, ['default', 'after_script']) : scriptLines(root.after_script, ['after_script']);
  const jobs: GitlabJob[] = [];
  for (const [id, job] of Object.entries(root)) {
    if (GLOBAL_KEYWORDS.has(id) || id.startsWith('.') || !isRecord(job)) continue;
    const route: Route = [id];
    jobs.push({
      id,
      route,
      raw: job,
      image: 'image' in job ? image(job.image, [...route, 'image']) : defaultImage,
      variables: variables(job.variables, [...route, 'variables']),
      beforeScript: 'before_script' in job ? scriptLines(job.before_script, [...route, 'before_script']) : defaultBefore,
      script: scriptLines(job.script, [...route, 'script']),
      afterScript: 'after_script' in job ? scriptLines(job.after_script, [...route, 'after_script']) : defaultAfter,
    });
  }
  const model: GitlabCiModel = { file, variables: variables(root.variables, ['variables']), image: defaultImage, jobs };
  cache.set(file, model);
  return model;
}

/** Every line the job's shell runs, in order: before_script, script, after_script. */
export function jobLines(job: GitlabJob): StringAt[] {
  return [...job.beforeScript, ...job.script, ...job.afterScript];
}
