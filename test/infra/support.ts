// Builds the stack the way `cdk synth` does (cdk.json context, cdk-nag registered), but with
// bundling skipped and every topology entry stubbed, so it runs before all handlers exist.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { functions } from '../../shared/topology.ts';
import { projectRoot, TuodiStack, type Hospital } from '../../infra/stack.ts';
import { readSettings, type DeploymentSettings } from '../../infra/settings.ts';

/** The settings files a deployment chooses from (infra/settings/). */
export const settingsFiles = {
  ningxiaKeycloak: 'infra/settings/ningxia-keycloak.json',
  globalCognito: 'infra/settings/global-cognito.json',
} as const;

export const loadSettings = (file: string): DeploymentSettings => readSettings(file, projectRoot);

export interface Synthesized {
  app: App;
  stack: TuodiStack;
  /** Synthesizes on first use; call it after the cdk-nag assertion. */
  template: () => Template;
  logicalId: (construct: IConstruct) => string;
  cleanup: () => void;
}

export interface BuildOptions {
  /**
   * CDK's built-in CloudFormation validation (cfn-lint rules compiled to wasm; it only warns).
   * It costs about 13 s of CPU per synthesis, so the two deployable settings' syntheses run it
   * and assert it finds nothing (see `templateFindings`); variants built to probe one aspect skip it.
   */
  templateValidation?: boolean;
}

export function buildStack(
  extend?: (stack: TuodiStack) => void,
  settings: DeploymentSettings = loadSettings(settingsFiles.globalCognito),
  hospitals?: Hospital[],
  { templateValidation = false }: BuildOptions = {},
): Synthesized {
  const stubRoot = mkdtempSync(join(tmpdir(), 'tuodi-infra-'));
  writeFileSync(join(stubRoot, 'package-lock.json'), '{}');
  for (const spec of Object.values(functions)) {
    const file = join(stubRoot, spec.entry);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'export const handler = async () => ({});\n');
  }

  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: object };
  // The app reads `settings` from the context; the tests hand the stack its settings directly.
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: templateValidation,
  });
  // Before the first synth: Template.fromStack caches the synthesized assembly.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new TuodiStack(app, 'Tuodi', { entryRoot: stubRoot, settings, hospitals });
  extend?.(stack);

  let template: Template | undefined;
  return {
    app,
    stack,
    template: () => (template ??= Template.fromStack(stack)),
    logicalId: (construct) => {
      const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
      return stack.resolve(cfn.logicalId) as string;
    },
    cleanup: () => rmSync(stubRoot, { recursive: true, force: true }),
  };
}

/**
 * The findings of every validation plugin (CloudFormation's rules, cdk-nag) in a synthesized
 * assembly's `validation-report.json`, one "rule: description" line each; [] when clean.
 */
export function templateFindings(assemblyDirectory: string): string[] {
  type Report = { pluginReports: Array<{ violations?: Array<{ ruleName: string; description: string }> }> };
  const report = JSON.parse(readFileSync(join(assemblyDirectory, 'validation-report.json'), 'utf8')) as Report;
  return report.pluginReports.flatMap((plugin) => (plugin.violations ?? []).map((v) => `${v.ruleName}: ${v.description}`));
}

export type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

/** IAM actions the stack's policies allow `role` on the resource whose logical id is given. */
export function actionsOn(template: Template, roleLogicalId: string, resourceLogicalId: string): Set<string> {
  const actions = new Set<string>();
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  }) as Record<string, Resource>;
  for (const policy of Object.values(policies)) {
    const doc = policy.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> };
    for (const statement of doc.Statement) {
      const resources = [statement.Resource].flat();
      const mentions = resources.some((r) => JSON.stringify(r).includes(`"${resourceLogicalId}"`));
      if (mentions) for (const action of [statement.Action].flat()) actions.add(String(action));
    }
  }
  return actions;
}

type Statement = { Effect?: string; Action: unknown; Resource: unknown };

/** Every (resource, action) the stack's identity policies allow `role`, resources as template JSON. */
export function grantsOf(template: Template, roleLogicalId: string): Map<string, Set<string>> {
  const grants = new Map<string, Set<string>>();
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  }) as Record<string, Resource>;
  for (const policy of Object.values(policies)) {
    const doc = policy.Properties?.PolicyDocument as { Statement: Statement[] };
    for (const statement of doc.Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const resource of [statement.Resource].flat()) {
        const key = JSON.stringify(resource);
        const actions = grants.get(key) ?? new Set<string>();
        for (const action of [statement.Action].flat()) actions.add(String(action));
        grants.set(key, actions);
      }
    }
  }
  return grants;
}

/** Every identity-policy statement of the template, with the policy's logical id. */
export function allStatements(template: Template): Array<{ policy: string; statement: Statement }> {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  return Object.entries(policies).flatMap(([policy, resource]) =>
    (resource.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({ policy, statement })),
  );
}
