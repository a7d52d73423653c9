import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildApp, STACK_IDS } from '../../infra/bin/app';
import { HANDLER_TAG } from '../../infra/constructs/function-specs';

/** Helpers for the infra tests: synth without bundling, and read a function's effective IAM statements. */

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}
export type Resources = Record<string, CfnResource>;

export function synthStacks(context: Record<string, unknown> = {}): {
  stateful: Template;
  edge: Template;
  pipeline: Template;
} {
  const app = buildApp({ context: { ...context, [cxapi.BUNDLING_STACKS]: [] } });
  const stack = (id: string) => app.node.findChild(id) as Stack;
  return {
    stateful: Template.fromStack(stack(STACK_IDS.stateful)),
    edge: Template.fromStack(stack(STACK_IDS.edge)),
    pipeline: Template.fromStack(stack(STACK_IDS.pipeline)),
  };
}

export function resourcesOf(template: Template | object): Resources {
  const json = template instanceof Template ? template.toJSON() : template;
  return (json as { Resources: Resources }).Resources;
}

/** Logical id of the function whose `dsar:handler` tag is `entry`. */
export function functionIdFor(resources: Resources, entry: string): string {
  const found = Object.entries(resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      ((r.Properties.Tags ?? []) as { Key: string; Value: string }[]).some(
        (t) => t.Key === HANDLER_TAG && t.Value === entry,
      ),
  );
  if (!found) throw new Error(`no function tagged ${entry}`);
  return found[0];
}

export interface Statement {
  actions: string[];
  /** each resource, JSON-stringified (tokens included) for substring checks */
  resources: string[];
  condition?: Record<string, unknown>;
  effect: string;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement of every inline policy attached to the role identified by `roleId`. */
export function statementsOfRole(resources: Resources, roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
    .map((s) => ({
      actions: asArray(s.Action as string | string[]),
      resources: asArray(s.Resource).map((res) => (typeof res === 'string' ? res : JSON.stringify(res))),
      condition: s.Condition as Record<string, unknown> | undefined,
      effect: s.Effect as string,
    }));
}

/** The statements of the role of the function serving `entry`. */
export function statementsOfFunction(resources: Resources, entry: string): Statement[] {
  const fn = resources[functionIdFor(resources, entry)] as CfnResource;
  const role = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return statementsOfRole(resources, role['Fn::GetAtt'][0]);
}

export const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => s.actions));
