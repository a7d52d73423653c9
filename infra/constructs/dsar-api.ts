import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { API_ROUTES } from './api-routes';
import type { FunctionEntry } from './function-specs';

export interface DsarApiProps {
  /** the function serving each handler module named in API_ROUTES */
  readonly handlers: (entry: FunctionEntry) => lambda.IFunction;
}

/**
 * The public HTTP API, built from API_ROUTES (the local server serves the same table).
 * Throttled: POST /requests sends mail to whatever address it is given, so it must not be a free mail cannon.
 * No access logs on purpose: /verify and /download carry their tokens in the query string.
 */
export class DsarApi extends Construct {
  public readonly httpApi: apigw.HttpApi;
  /** base URL without a trailing slash, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com */
  public readonly url: string;

  public constructor(scope: Construct, id: string, props: DsarApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'DSAR pipeline: submit, verify, track and download data-subject requests',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    for (const route of API_ROUTES) {
      const fn = props.handlers(route.handler);
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`.replace(/[^A-Za-z0-9]/g, ''), fn),
      });
    }
    this.url = this.httpApi.apiEndpoint;
  }
}
