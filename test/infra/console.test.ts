import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ENV } from '../../functions/console/env';
import { API_ROUTES } from '../../infra/constructs/api-routes';
import { type CfnResource, functionIdFor, resourcesOf, type Resources, synthStacks } from './support';

/**
 * The console's sign-in in the cloud: a Cognito pool of admin-created operators, a public PKCE client, a managed
 * login domain, and the Lambda REQUEST authorizer (the "JWT authorizer": it verifies the Cognito token in the cookie)
 * on every console route but sign-in and its callback.
 */
describe('Class: DsarApi (operator console)', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    template = synthStacks().pipeline;
    resources = resourcesOf(template);
  }, 60_000);

  describe('Method: constructor', () => {
    it('creates a user pool of admin-created operators with a strong password, required TOTP and enforced threat protection', () => {
      // Assess
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      });
    });

    it('creates a public app client: authorization code (PKCE), no secret, callback on the protected URL', () => {
      // Assess
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email'],
        CallbackURLs: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
      });
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    });

    it('guards every console route but sign-in and its callback with the cookie authorizer, and no other route', () => {
      // Prepare
      const authorizers = Object.entries(template.findResources('AWS::ApiGatewayV2::Authorizer'));
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as {
        Properties: { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown };
      }[];

      // Act
      const guarded = routes
        .filter((r) => r.Properties.AuthorizationType === 'CUSTOM')
        .map((r) => r.Properties.RouteKey)
        .sort();

      // Assess
      expect(authorizers).toHaveLength(1);
      expect(authorizers[0]?.[1].Properties).toMatchObject({
        AuthorizerType: 'REQUEST',
        IdentitySource: ['$request.header.Cookie'],
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
      });
      expect(guarded).toEqual(
        API_ROUTES.filter((r) => r.path.startsWith('/console'))
          .filter((r) => !['/console/sign-in', '/console/callback'].includes(r.path))
          .map((r) => `${r.method} ${r.path}`)
          .sort(),
      );
      expect(guarded).toContain('GET /console');
      expect(guarded).not.toContain('GET /console/sign-in');
    });

    it('tells the console and its authorizer the pool and the client, and the console the login URL', () => {
      // Prepare
      const envOf = (entry: string) =>
        (
          (resources[functionIdFor(resources, entry)] as CfnResource).Properties.Environment as {
            Variables: Record<string, unknown>;
          }
        ).Variables;

      // Act
      const console = envOf('functions/console/handler.ts');
      const authorizer = envOf('functions/console-authorizer/handler.ts');

      // Assess
      for (const env of [console, authorizer]) {
        expect(env[CONSOLE_ENV.MODE]).toBe('cognito');
        expect(env[CONSOLE_ENV.USER_POOL_ID]).toBeDefined();
        expect(env[CONSOLE_ENV.CLIENT_ID]).toBeDefined();
      }
      expect(console[CONSOLE_ENV.LOGIN_URL]).toBeDefined();
      expect(authorizer[CONSOLE_ENV.LOGIN_URL]).toBeUndefined();
    });
  });
});
