import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CONSOLE_ENV } from '../../functions/console/env';
import { API_ROUTES, CONSOLE_AUTHORIZER } from './api-routes';
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
  /** the console's operators (admin-created only) and its public app client (authorization code + PKCE) */
  public readonly operators: cognito.UserPool;
  public readonly consoleClient: cognito.UserPoolClient;

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
    // The console's JWT authorizer. API Gateway's native JWT authorizer reads only a bearer Authorization header and
    // the console's session is a cookie, so it is a Lambda REQUEST authorizer (identity source: the Cookie header)
    // verifying the Cognito ID token with aws-jwt-verify (functions/console-authorizer). No result cache: a signed-out
    // or expired session is refused at its next request.
    const consoleAuthorizer = new HttpLambdaAuthorizer('ConsoleAuthorizer', props.handlers(CONSOLE_AUTHORIZER), {
      authorizerName: 'console-session',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Cookie'],
      resultsCacheTtl: Duration.seconds(0),
    });
    for (const route of API_ROUTES) {
      const fn = props.handlers(route.handler);
      const guarded = 'auth' in route && route.auth === 'operator';
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${route.path}`.replace(/[^A-Za-z0-9]/g, ''), fn),
        ...(guarded ? { authorizer: consoleAuthorizer } : {}),
      });
      if (httpRoute && route.path.startsWith('/console/'))
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            "The console's sign-in and its managed-login callback start a session, so they cannot require one; every " +
            'other console route is behind the session authorizer.',
        });
      else if (httpRoute && !guarded)
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
    ({ operators: this.operators, client: this.consoleClient } = this.createOperators(props));
  }

  /**
   * The console's operators: a Cognito user pool of admin-created accounts (no self sign-up), a strong password, TOTP
   * MFA required, threat protection enforced (compromised credentials, adaptive authentication); a public app client
   * (authorization code + PKCE, no secret: the console function is its only user and keeps no secret) and a managed
   * login domain. The console and its authorizer are told the pool, the client and the login URL.
   */
  private createOperators(props: DsarApiProps): { operators: cognito.UserPool; client: cognito.UserPoolClient } {
    const operators = new cognito.UserPool(this, 'Operators', {
      userPoolName: `${Stack.of(this).stackName}-operators`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const callback = `${this.url}/console/callback`;
    const client = operators.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [callback],
        logoutUrls: [`${this.url}/console/sign-in`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // the session cookie lasts as long as the ID token it holds (functions/console/env.ts SESSION_SECONDS)
      idTokenValidity: Duration.minutes(30),
      accessTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(1),
    });
    const domain = operators.addDomain('Login', {
      // unique per account and stack; no reserved words (aws, amazon, cognito)
      cognitoDomain: { domainPrefix: `dsar-console-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // the managed login's look: Cognito's defaults (a style is required for the newer managed login to show a page)
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: operators.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    const loginUrl = domain.baseUrl();
    for (const [entry, withLogin] of [
      ['functions/console/handler.ts', true],
      [CONSOLE_AUTHORIZER, false],
    ] as const) {
      const fn = props.handlers(entry) as lambda.Function;
      fn.addEnvironment(CONSOLE_ENV.MODE, 'cognito');
      fn.addEnvironment(CONSOLE_ENV.USER_POOL_ID, operators.userPoolId);
      fn.addEnvironment(CONSOLE_ENV.CLIENT_ID, client.userPoolClientId);
      if (withLogin) fn.addEnvironment(CONSOLE_ENV.LOGIN_URL, loginUrl);
    }
    return { operators, client };
  }
}
