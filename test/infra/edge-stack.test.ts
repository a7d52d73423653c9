import { beforeAll, describe, expect, it } from 'vitest';
import type { Template } from 'aws-cdk-lib/assertions';
import { buildApp, EDGE_REGION, STACK_IDS } from '../../infra/bin/app';
import { synthStacks } from './support';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { Stack } from 'aws-cdk-lib';

describe('Class: EdgeStack', () => {
  let template: Template;

  beforeAll(() => {
    template = synthStacks().edge;
  }, 60_000);

  describe('Method: constructor', () => {
    it('lives in us-east-1, where a WebACL for CloudFront must be', () => {
      // Prepare
      const app = buildApp({ context: { [cxapi.BUNDLING_STACKS]: [] } });

      // Act
      const edge = app.node.findChild(STACK_IDS.edge) as Stack;

      // Assess
      expect(edge.region).toBe(EDGE_REGION);
      expect(EDGE_REGION).toBe('us-east-1');
    });

    it('blocks with 429 any client IP past the rate limit, in a WebACL of scope CLOUDFRONT', () => {
      // Prepare & Act
      const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
      const rules = (acl?.Properties.Rules ?? []) as Record<string, unknown>[];

      // Assess
      expect(acl?.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({
        Name: 'RateLimitPerIp',
        Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
      });
    });

    it('takes the limit from wafRateLimit', () => {
      // Prepare & Act
      const stricter = synthStacks({ wafRateLimit: 20 }).edge;

      // Assess
      stricter.hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: [{ Statement: { RateBasedStatement: { Limit: 20, AggregateKeyType: 'IP' } } }],
      });
    });
  });
});
