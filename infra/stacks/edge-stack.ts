import { Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** requests one client IP may make in any 5-minute window before WAF blocks it (context `wafRateLimit`) */
  readonly ratePerFiveMinutes: number;
}

/** WAF evaluates a rate-based rule over a sliding window of this many seconds. */
export const WAF_WINDOW_SECONDS = 300;

/**
 * The WebACL in front of the CloudFront distribution that fronts the HTTP API. A WebACL of scope CLOUDFRONT can only
 * live in us-east-1, so it has a stack of its own there; the pipeline stack reads its ARN through a cross-region
 * reference. HTTP APIs cannot be associated with WAF directly (OWASP ASVS 5.0 2.4.1: anti-automation).
 */
export class EdgeStack extends Stack {
  public readonly webAcl: wafv2.CfnWebACL;

  public constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      // No sampled requests: they keep query strings (the verification and download tokens) for three hours.
      sampledRequestsEnabled: false,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'ApiWebAcl', {
      description: 'DSAR pipeline: per-IP rate limit in front of the public API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('DsarApiWebAcl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.ratePerFiveMinutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: WAF_WINDOW_SECONDS,
            },
          },
          // 429, as the API answers its own limits, so a client sees one kind of "slow down".
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: visibility('DsarRateLimitPerIp'),
        },
      ],
    });
  }
}
