// Finds, parses and validates cordon.yml; any problem is a ConfigError naming the file and position.

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { YamlFile } from '../parse/yaml-doc.js';
import { CordonConfigSchema, type CordonConfig } from './schema.js';

export const CONFIG_NAMES = ['cordon.yml', 'cordon.yaml', '.github/cordon.yml'] as const;

export interface LoadedConfig {
  config: CordonConfig;
  /** Absolute path of the file, or undefined when the defaults are used because none exists. */
  path: string | undefined;
}

/** Loads an explicit config file, or the one in the scan root, or the defaults when there is none. */
export function loadConfig(root: string, explicit: string | undefined): LoadedConfig {
  const path = explicit ?? CONFIG_NAMES.map((name) => join(root, name)).find((candidate) => existsSync(candidate));
  if (!path) return { config: CordonConfigSchema.parse({}), path: undefined };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, 1, 1, `cannot read the configuration: ${(error as Error).message}`);
  }
  return { config: parseConfig(text, path, relative(process.cwd(), path) || path), path };
}

export function parseConfig(text: string, path: string, shownAs: string = path): CordonConfig {
  const file = new YamlFile(shownAs, text);
  const problem = file.problems[0];
  if (problem) {
    const at = file.lines.position(problem.offset);
    throw new ConfigError(shownAs, at.line, at.column, `invalid YAML: ${problem.message}`);
  }
  const result = CordonConfigSchema.safeParse(file.value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const route = (issue?.path ?? []).filter((part): part is string | number => typeof part !== 'symbol');
    // An unknown key is reported at the key itself, not at the object that holds it.
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    if (unknown !== undefined) route.push(unknown);
    const span = file.span(route, unknown !== undefined ? 'key' : 'value');
    const at = file.lines.position(span.start);
    const where = route.length > 0 ? ` at ${route.join('.')}` : '';
    throw new ConfigError(shownAs, at.line, at.column, `invalid configuration${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return result.data;
}
