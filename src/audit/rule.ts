// The audit rule contract: which inputs a rule reads, and the context it reports through.

import type { Rule, RuleMeta } from '../core/rule.js';
import type { Confidence, Severity } from '../core/severity.js';
import type { DockerInstruction } from '../parse/dockerfile.js';
import type { SourceFile } from '../parse/source-file.js';
import type { WorkflowModel } from '../parse/workflow.js';
import type { Route, RoutePart, YamlFile } from '../parse/yaml-doc.js';
import type { AuditConfig } from '../config/schema.js';
import type { InputKind } from './inputs.js';

/** A file the audit parsed, with the typed view its kind has. */
export type ParsedInput =
  | { kind: 'workflow' | 'action'; file: YamlFile; model: WorkflowModel | undefined }
  | { kind: 'gitlab-ci' | 'compose'; file: YamlFile }
  | { kind: 'claude-settings' | 'mcp-config' | 'devcontainer'; file: YamlFile; /** How it was found. */ origin: 'path' | 'workflow-reference' }
  | { kind: 'instructions' | 'claudeignore'; file: SourceFile }
  | { kind: 'dockerfile'; file: SourceFile; instructions: DockerInstruction[] };

/** What every rule can see of the repository besides the file it is checking. */
export interface RepoView {
  /** Every file path below the root (forward slashes), parsed or not. */
  paths: readonly string[];
  pathSet: ReadonlySet<string>;
  inputs: readonly ParsedInput[];
  /** The parsed input at a repository path. */
  byPath: ReadonlyMap<string, ParsedInput>;
  /** The parsed inputs of one kind, in discovery order. */
  ofKind<K extends InputKind>(kind: K): readonly (ParsedInput & { kind: K })[];
  /** Computes a repository-wide fact once per audit, however many files ask for it. */
  memo<T>(key: string, compute: () => T): T;
  /** Paths tracked by git, when the root is a git work tree; undefined otherwise. */
  tracked: ReadonlySet<string> | undefined;
  config: AuditConfig;
}

/** Where a finding points: a YAML/JSON route, a character range inside a string at a route, or raw offsets. */
export type Target =
  | { route: Route; part?: RoutePart }
  | { route: Route; index: number; length: number; needle?: string }
  | { start: number; end: number };

export interface Report<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  at: Target;
  /** Overrides the rule's default grade for this finding. */
  severity?: Severity;
  confidence?: Confidence;
  fix?: string;
  /** The target is a credential: the engine masks it in the code frame as the message does. */
  secret?: boolean;
}

export interface RuleContext<MessageId extends string = string> {
  input: ParsedInput;
  repo: RepoView;
  report(report: Report<MessageId>): void;
}

export interface AuditRule<MessageId extends string = string> extends Rule<RuleContext<MessageId>, MessageId> {
  /** Input kinds this rule is called for, once per file of the kind. */
  inputs: readonly InputKind[];
}

/** Declares a rule; the generic ties report message ids to the ones in meta. */
export function defineRule<const MessageId extends string>(rule: {
  meta: RuleMeta<MessageId>;
  inputs: readonly InputKind[];
  check(context: RuleContext<MessageId>): void;
}): AuditRule<MessageId> {
  return rule;
}
