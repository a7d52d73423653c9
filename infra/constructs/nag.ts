import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledging cdk-nag findings next to the grants that cause them. cdk-nag (a development dependency) is not
 * imported here: the app is also built by the local twin, installed without development dependencies. The finding
 * ids follow cdk-nag's own rendering of a policy resource (`<LogicalId.Attr>` for a GetAtt, `<Name>` for a Ref).
 */

/** The text cdk-nag shows for a resource of a policy statement resolved in `scope`'s stack. */
export function nagResourceText(scope: IConstruct, resource: string): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
    if (Array.isArray(node)) return JSON.stringify(node);
    const value = node as Record<string, unknown>;
    if (value['Fn::Join']) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (value['Fn::Sub']) return visit(value['Fn::Sub']);
    if (value['Fn::GetAtt']) {
      const [resourceId, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resourceId)}.${visit(attribute)}>`;
    }
    if (value['Fn::ImportValue']) return visit(value['Fn::ImportValue']);
    if (value.Ref) return `<${visit(value.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(resource));
}

/**
 * Acknowledge AwsSolutions-IAM5 for each resource of `resources` that has a wildcard, on `principal` (a role: the
 * finding is raised on its policy). `reason` says why that wildcard is the narrowest grant possible.
 *
 * The finding's text depends on when it is resolved: a reference to another stack reads `<Id.Arn>` while the app is
 * built and `Fn::ImportValue` once synthesis has resolved cross-stack references, which is when cdk-nag runs. So the
 * text is computed in a construct validation, which runs after that resolution and before the validation plugins.
 */
export function acknowledgeWildcards(principal: IConstruct, resources: readonly string[], reason: string): void {
  const acknowledge = () => {
    const ids = resources
      .map((resource) => nagResourceText(principal, resource))
      .filter((text) => text.includes('*'))
      .map((text) => `AwsSolutions-IAM5[Resource::${text}]`);
    for (const id of new Set(ids)) Validations.of(principal).acknowledge({ id, reason });
  };
  acknowledge();
  principal.node.addValidation({
    validate: () => {
      acknowledge();
      return [];
    },
  });
}
