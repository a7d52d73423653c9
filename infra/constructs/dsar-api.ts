import { Fn, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { API_ROUTES } from './api-routes';
import type { FunctionEntry } from './function-specs';

export interface DsarApiProps {
  /** the function serving each handler module named in API_ROUTES */
  readonly handlers: (entry: FunctionEntry) => lambda.IFunction;
  /** ARN of the WebACL (scope CLOUDFRONT, in us-east-1) that rate-limits each client IP */
  readonly webAclArn: string;
}

/**
 * The public API: an HTTP API built from API_ROUTES (the local server serves the same table), reached through a
 * CloudFront distribution that carries the per-IP WAF rule (HTTP APIs cannot be associated with WAF directly).
 * The handlers keep their HTTP API payload 2.0 events; CloudFront only passes requests through: no caching, every
 * method, the query string and every viewer header but Host (Authorization, Content-Type, Idempotency-Key, Origin,
 * Sec-GPC among them).
 * The stage stays throttled: its execute-api endpoint remains reachable directly, without WAF, and the throttle is
 * the ceiling there. No access logs on purpose: /verify and /download carry their tokens in the query string.
 */
export class DsarApi extends Construct {
  public readonly httpApi: apigw.HttpApi;
  public readonly distribution: cloudfront.Distribution;
  /** the protected base URL, without a trailing slash: https://<id>.cloudfront.net (mailed links, ApiUrl output) */
  public readonly url: string;
  /** the execute-api endpoint behind it (not protected by WAF; throttled by the stage) */
  public readonly directUrl: string;

  public constructor(scope: Construct, id: string, props: DsarApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'DSAR pipeline: submit, verify, track and download data-subject requests',
      createDefaultStage: false,
    });
    const stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions-APIG1',
      reason:
        'No access logs: /verify and /download carry single-use tokens in the query string, and a log line would keep ' +
        'them (and the requester IP) beyond the reach of any erasure. Failures are visible in the Lambda metrics.',
    });
    for (const route of API_ROUTES) {
      const fn = props.handlers(route.handler);
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`.replace(/[^A-Za-z0-9]/g, ''), fn),
      });
      if (httpRoute)
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design: a data subject has no account. Each route checks what it needs itself (a single-use ' +
            'token in the link, the status token in the Authorization header); POST /requests is rate-limited.',
        });
    }
    this.directUrl = this.httpApi.apiEndpoint;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'DSAR pipeline: the public API behind WAF',
      webAclId: props.webAclArn,
      // The execute-api host name, from https://<id>.execute-api.<region>.amazonaws.com
      defaultBehavior: {
        origin: new origins.HttpOrigin(Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint)), {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Nothing is cached: every answer is per request and per token.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // Every viewer header but Host (API Gateway routes on its own host name), every query string, every cookie.
        // With caching disabled this policy also forwards Authorization (the status token).
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: data subjects may write from anywhere (GDPR and CCPA rights do not depend on location).',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No access logs: /verify and /download carry single-use tokens in the query string; a log would keep them and ' +
          'the requester IP beyond the reach of any erasure. WAF metrics count what the rate rule blocks.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot enforce a minimum TLS version; the origin leg is TLS 1.2 only. ' +
          'Put a custom domain with its own certificate in front to enforce TLSv1.2_2021 on the viewer leg.',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
