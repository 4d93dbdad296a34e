// Credentials baked into images (ENV, ARG, RUN, copied key files) or written as literals into compose and dev container env.

import type { DockerInstruction } from '../../../parse/dockerfile.js';
import {
  composeServices,
  envEntries,
  finalChain,
  globalArgs,
  hasReference,
  instructionScript,
  isRecord,
  isSecretName,
  parseAssignments,
  secretFile,
  splitWords,
  type EnvEntry,
} from '../../container-facts.js';
import { defineRule, type Report, type Target } from '../../rule.js';
import { findSecretLiterals, maskSecret, SECRET_KIND_LABELS, type SecretLiteral } from '../../secret-literals.js';

export const secretInImage = defineRule({
  meta: {
    id: 'secret-in-image',
    area: 'container',
    description: 'a secret is baked into the image or written into container configuration',
    severity: 'high',
    confidence: 'high',
    messages: {
      envLiteral: '`ENV {{name}}` bakes {{masked}} ({{what}}) into the image, where `docker inspect` and every layer show it',
      envFromArg: '`ENV {{name}}` copies the build argument `{{arg}}` into the image environment, so the secret passed at build time ships with the image',
      argSecret: '`ARG {{name}}` passes a secret as a build argument, which the image history records; mount it with `RUN --mount=type=secret` instead',
      argLiteral: '`ARG {{name}}` defaults to {{masked}} ({{what}}), written in the Dockerfile and recorded in the image history',
      runLiteral: '`RUN` has {{masked}} ({{what}}) in its command line, which the image history records',
      copySecretFile: '`{{keyword}} {{source}}` copies {{what}} into the image; deleting it in a later layer does not remove it',
      composeLiteral: 'service `{{service}}` sets {{block}} `{{name}}` to {{masked}} ({{what}}) in a committed file',
      devcontainerLiteral: '`{{block}}` sets `{{name}}` to {{masked}} ({{what}}) in a committed file',
    },
    help: 'Rotate the exposed credential. Pass secrets at run time (`docker run -e`, compose `environment: KEY: ${KEY}`, devcontainer `${localEnv:KEY}`), use `RUN --mount=type=secret,id=…` for build-time secrets, and keep key files out of the build context with `.dockerignore`. Anyone who can pull the image can read every layer and its history.',
  },
  inputs: ['dockerfile', 'compose', 'devcontainer'],
  check({ input, report }) {
    if (input.kind === 'dockerfile') {
      checkDockerfile(input.file.text, input.instructions, report);
      return;
    }
    if (input.kind === 'compose') {
      for (const { name: service, service: value } of composeServices(input.file.value)) {
        const blocks: [string, EnvEntry[]][] = [
          ['environment variable', envEntries(value.environment, ['services', service, 'environment'])],
          ['build argument', isRecord(value.build) ? envEntries(value.build.args, ['services', service, 'build', 'args']) : []],
        ];
        for (const [block, entries] of blocks) {
          for (const entry of entries) {
            const secret = literalSecret(entry.name, entry.value);
            if (secret) report({ messageId: 'composeLiteral', data: { service, block, name: entry.name, ...describe(secret) }, at: nameTarget(entry), confidence: confidenceOf(secret) });
          }
        }
      }
      return;
    }
    if (input.kind === 'devcontainer' && isRecord(input.file.value)) {
      const value = input.file.value;
      const blocks: [string, EnvEntry[]][] = [
        ['containerEnv', envEntries(value.containerEnv, ['containerEnv'])],
        ['remoteEnv', envEntries(value.remoteEnv, ['remoteEnv'])],
        ['build.args', isRecord(value.build) ? envEntries(value.build.args, ['build', 'args']) : []],
      ];
      for (const [block, entries] of blocks) {
        for (const entry of entries) {
          const secret = literalSecret(entry.name, entry.value);
          if (secret) report({ messageId: 'devcontainerLiteral', data: { block, name: entry.name, ...describe(secret) }, at: nameTarget(entry), confidence: confidenceOf(secret) });
        }
      }
    }
  },
});

type SecretMessage = 'envLiteral' | 'envFromArg' | 'argSecret' | 'argLiteral' | 'runLiteral' | 'copySecretFile';

interface FoundSecret {
  literal: SecretLiteral;
  text: string;
}

function checkDockerfile(text: string, instructions: DockerInstruction[], report: (report: Report<SecretMessage>) => void): void {
  const chain = finalChain(instructions);
  // Only what reaches the final image counts: build-only stages are where secrets are meant to be used.
  const shipped = chain.flatMap((stage) => stage.instructions);
  const argNames = new Set<string>();
  for (const instruction of globalArgs(instructions)) {
    // A literal default is in the Dockerfile and in the history of every stage that redeclares it.
    for (const { name, value, at } of located(text, instruction)) {
      const secret = literalSecret(name, value);
      if (secret) report({ messageId: 'argLiteral', data: { name, ...describe(secret) }, at, confidence: confidenceOf(secret) });
    }
  }
  for (const instruction of shipped) {
    switch (instruction.keyword) {
      case 'ARG':
        for (const { name, value, at } of located(text, instruction)) {
          argNames.add(name);
          const secret = literalSecret(name, value);
          if (secret) report({ messageId: 'argLiteral', data: { name, ...describe(secret) }, at, confidence: confidenceOf(secret) });
          else if (isSecretName(name)) report({ messageId: 'argSecret', data: { name }, at, severity: 'medium' });
        }
        break;
      case 'ENV':
        for (const { name, value, at } of located(text, instruction)) {
          const arg = value === undefined ? undefined : /^\$\{?(\w+)\}?$/.exec(value.trim())?.[1];
          if (arg !== undefined && argNames.has(arg) && (isSecretName(name) || isSecretName(arg))) {
            report({ messageId: 'envFromArg', data: { name, arg }, at });
            continue;
          }
          const secret = literalSecret(name, value);
          if (secret) report({ messageId: 'envLiteral', data: { name, ...describe(secret) }, at, confidence: confidenceOf(secret) });
        }
        break;
      case 'RUN': {
        const script = instructionScript(instruction);
        for (const literal of findSecretLiterals(script)) {
          const secret = script.slice(literal.index, literal.index + literal.length);
          const start = text.indexOf(secret, instruction.argsStart);
          const at = start !== -1 && start < instruction.end ? { start, end: start + secret.length } : { start: instruction.start, end: instruction.end };
          report({ messageId: 'runLiteral', data: describe({ literal, text: secret }), at, confidence: confidenceOf({ literal, text: secret }) });
        }
        break;
      }
      case 'COPY':
      case 'ADD': {
        let cursor = instruction.argsStart;
        for (const source of copySources(instruction.args)) {
          const found = secretFile(source);
          const start = text.indexOf(source, cursor);
          if (start !== -1 && start < instruction.end) cursor = start + source.length;
          if (!found) continue;
          const at = start !== -1 && start < instruction.end ? { start, end: start + source.length } : { start: instruction.start, end: instruction.end };
          report({ messageId: 'copySecretFile', data: { keyword: instruction.keyword, source, what: found.what }, at, confidence: found.sure ? 'high' : 'medium' });
        }
        break;
      }
    }
  }
}

/** A literal credential given to a variable, or undefined for references, placeholders and plain settings. */
function literalSecret(name: string, value: string | undefined): FoundSecret | undefined {
  if (value === undefined || hasReference(value)) return undefined;
  const literal = findSecretLiterals(value, isSecretName(name) ? name : undefined)[0];
  return literal ? { literal, text: value.slice(literal.index, literal.index + literal.length) } : undefined;
}

function describe(secret: FoundSecret): { masked: string; what: string } {
  const kind = secret.literal.kind;
  return { masked: `\`${maskSecret(secret.text)}\``, what: kind === 'assigned-secret' ? 'a literal secret' : SECRET_KIND_LABELS[kind] };
}

/** A token with a known shape is certain; a credential-named variable with a random-looking value is likely. */
function confidenceOf(secret: FoundSecret): 'high' | 'medium' {
  return secret.literal.kind === 'assigned-secret' ? 'medium' : 'high';
}

/** Findings point at the variable's name, so the highlighted range never is the secret itself. */
function nameTarget(entry: EnvEntry): Target {
  return entry.form === 'map' ? { route: entry.route, part: 'key' } : { route: entry.route, index: 0, length: entry.name.length };
}

/** ENV/ARG assignments with the offsets of their names in the file. */
function located(text: string, instruction: DockerInstruction): { name: string; value: string | undefined; at: { start: number; end: number } }[] {
  let cursor = instruction.argsStart;
  return parseAssignments(instruction.keyword, instruction.args).map(({ name, value }) => {
    const pattern = new RegExp(`(?<![\\w$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'g');
    pattern.lastIndex = cursor;
    const match = pattern.exec(text);
    if (match && match.index < instruction.end) {
      cursor = match.index + name.length;
      return { name, value, at: { start: match.index, end: match.index + name.length } };
    }
    return { name, value, at: { start: instruction.start, end: instruction.end } };
  });
}

/** Source paths of a COPY/ADD (flags, the destination, URLs and heredocs left out). */
function copySources(args: string): string[] {
  let text = args.trim();
  while (/^--[\w-]+(=\S*)?\s/.test(text)) text = text.replace(/^--[\w-]+(=\S*)?\s+/, '');
  let words: string[];
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      words = Array.isArray(parsed) ? parsed.filter((word): word is string => typeof word === 'string') : [];
    } catch {
      words = splitWords(text);
    }
  } else {
    words = splitWords(text);
  }
  return words.slice(0, -1).filter((word) => !word.startsWith('<<') && !/^(?:https?|git):\/\/|^git@/.test(word));
}
