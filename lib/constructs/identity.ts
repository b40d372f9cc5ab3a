/**
 * Who may call the API. Either a Cognito user pool of our own, with one group per
 * Caseway role, or an organisation's existing OpenID Connect provider. The API only
 * needs an issuer, an audience and the claim that carries roles, so both look the same to it.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CONSOLE_SCOPES, CONSOLE_SIGN_IN_CALLBACK_PATH, CONSOLE_SIGN_OUT_PATH } from '#topology/console-config.js';
// The role names are the domain's; the user pool groups must match them exactly.
import { DEFAULT_ROLES_CLAIM, ROLES, type Role } from '#core/caller.js';
import { TeamName } from '#core/case-type.js';

/** An existing OpenID Connect provider whose tokens the API accepts. */
export interface ExternalOidc {
  /** The issuer URL exactly as it appears in the tokens' `iss` claim (https). */
  readonly issuer: string;
  /** Accepted `aud` (or `client_id`) values; at least one. */
  readonly audience: string[];
}

export interface IdentityProps {
  /**
   * Use this provider instead of creating a Cognito user pool.
   * @default - a Cognito user pool and app client are created
   */
  readonly oidc?: ExternalOidc;
  /**
   * The token claim that lists the caller's Caseway roles. An external provider
   * usually needs this set (for example `roles` or `groups`).
   * @default 'cognito:groups'
   */
  readonly rolesClaim?: string;
  /**
   * Record-level access: exact group name -> team name (`{ 'caseway-fraud': 'fraud' }`).
   * The groups are read from the roles claim; a case type restricted to a team is
   * visible only to members of a mapped group. With Caseway's own user pool, a
   * group is created for each name.
   * @default {} (nobody is in a team: restricted types are visible to their requesters only)
   */
  readonly teamGroups?: Readonly<Record<string, string>>;
  /**
   * Which group grants which Caseway role: exact group name (as it appears in the
   * roles claim) to role. A name grants only the role it is mapped to here, so a
   * directory's `IT admin` group grants nothing unless you map it. Replaces the
   * default; with Caseway's own user pool (whose groups are the role names) leave it unset.
   * @default - each role is granted by the group of the same name
   */
  readonly roleMapping?: Readonly<Record<string, Role>>;
  /**
   * Refuse to delete the user pool until this is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the user pool when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Require a second factor (TOTP) from every user. Leave it off while the pool holds
   * requesters from the public; turn it on for a staff-only pool.
   * @default false (MFA optional)
   */
  readonly mfaRequired?: boolean;
  /**
   * Cognito threat protection (Plus feature plan): blocks sign-ins with leaked
   * passwords and acts on risky sign-ins. Costs more per active user; turn it off
   * only where another control covers account takeover.
   * @default true
   */
  readonly threatProtection?: boolean;
  /**
   * Send the user pool's mail (invitations, verification and reset codes) through this SES identity,
   * verified already, instead of Cognito's own sender, which allows 50 messages a day.
   * @default - Cognito's own sender (no-reply@verificationemail.com)
   */
  readonly email?: UserPoolSesEmail;
}

/** The user pool's mail through SES: a sender and the identity SES authorizes it by. */
export interface UserPoolSesEmail {
  /** The From address: the identity, or an address in its domain. */
  readonly fromAddress: string;
  /** The verified identity's ARN (Cognito's `SourceArn`). */
  readonly identityArn: string;
  /**
   * The identity's region, when it is not the stack's.
   * @default - the stack's region
   */
  readonly region?: string;
  /** An SES configuration set for Cognito's messages. */
  readonly configurationSetName?: string;
}

/** Where browsers sign in: Cognito's managed login pages, on a Cognito prefix or a domain of your own. */
export interface SignInDomainProps {
  /**
   * The prefix of `https://<prefix>.auth.<region>.amazoncognito.com`: unique in the region, lower-case
   * letters, digits and hyphens, without 'aws', 'amazon' or 'cognito'.
   * @default - `caseway-<stack name>-<account id>`, lower-cased
   */
  readonly prefix?: string;
  /**
   * Use this domain (for example `login.example.com`) instead of a Cognito prefix.
   * @default - a Cognito prefix domain
   */
  readonly customDomain?: {
    /** The host name; point its DNS alias at the domain's CloudFront endpoint after deploying. */
    readonly domainName: string;
    /** ARN of an ACM certificate for it, in us-east-1. */
    readonly certificateArn: string;
  };
}

export class Identity extends Construct {
  /** The JWT issuer the API trusts. */
  readonly issuer: string;
  /** The audiences the API accepts. */
  readonly audience: string[];
  /** The claim the handlers read roles from. */
  readonly rolesClaim: string;
  /** Group name -> team name, as the handlers read it (TEAM_GROUPS). */
  readonly teamGroups: Readonly<Record<string, string>>;
  /** Group name -> role, as the handlers get it (ROLE_MAPPING). */
  readonly roleMapping: Readonly<Record<string, Role>>;
  /** The user pool, when Caseway manages its own users. */
  readonly userPool?: cognito.UserPool;
  /** The public app client for browser and mobile channels, when Caseway manages its own users. */
  readonly userPoolClient?: cognito.UserPoolClient;
  /** Cognito's managed sign-in pages, once `addSignInDomain` made them. */
  signInDomain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
    super(scope, id);
    this.rolesClaim = props.rolesClaim ?? DEFAULT_ROLES_CLAIM;
    this.roleMapping = validateRoleMapping(this, props.roleMapping ?? Object.fromEntries(ROLES.map((role) => [role, role])));
    this.teamGroups = { ...props.teamGroups };
    for (const [group, team] of Object.entries(this.teamGroups)) {
      if (!TeamName.safeParse(team).success)
        throw new Error(`teamGroups: team '${team}' (of group '${group}') must be lower-case letters, digits and dashes`);
      if (Object.hasOwn(this.roleMapping, group)) throw new Error(`teamGroups: '${group}' grants a role; a team needs a group of its own`);
    }

    if (props.oidc) {
      validateOidc(this, props.oidc);
      this.issuer = props.oidc.issuer;
      this.audience = [...props.oidc.audience];
      return;
    }

    const threatProtection = props.threatProtection ?? true;
    const userPool = new cognito.UserPool(this, 'UserPool', {
      // Accounts are provisioned by an administrator or an integration, never by strangers.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      // TOTP only: SMS would need an SNS role and is the weaker factor.
      mfa: props.mfaRequired ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.email
        ? {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: props.email.fromAddress,
              // Given always, so an environment-agnostic stack (region a token) synthesizes too.
              sesRegion: props.email.region ?? Stack.of(this).region,
              ...(props.email.configurationSetName ? { configurationSetName: props.email.configurationSetName } : {}),
            }),
          }
        : {}),
    });
    // withSES names the identity by the From address (or a domain equal to its own); the identity may be
    // a parent domain, or given by ARN, so the pool names the very identity the functions are granted.
    if (props.email) (userPool.node.defaultChild as cognito.CfnUserPool).addPropertyOverride('EmailConfiguration.SourceArn', props.email.identityArn);
    if (!props.mfaRequired) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is OPTIONAL, not REQUIRED, because the pool holds requesters: members of the public reporting a problem through self-service, who must not be turned away for lack of an authenticator app. TOTP is available to every user; a staff-only pool sets mfaRequired: true.',
      });
    }
    if (!threatProtection) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'The deployer turned threat protection off explicitly (threatProtection: false), accepting Essentials-tier protection against account takeover.',
      });
    }

    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Caseway role: ${role}`,
      });
    }
    for (const [group, team] of Object.entries(this.teamGroups)) {
      new cognito.CfnUserPoolGroup(this, `TeamGroup-${group}`, {
        userPoolId: userPool.userPoolId,
        groupName: group,
        description: `Caseway team: ${team}`,
      });
    }

    const client = userPool.addClient('AppClient', {
      // A public client (browser, mobile app): it could not keep a secret anyway.
      generateSecret: false,
      // SRP never sends the password; refresh-token auth is always enabled alongside it.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.userPool = userPool;
    this.userPoolClient = client;
    // The pool's ProviderURL attribute lacks the scheme, and `iss` must match exactly.
    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${userPool.userPoolId}`;
    this.audience = [client.userPoolClientId];
  }

  /**
   * Cognito's managed sign-in pages, where the console sends browsers to sign in (authorization code
   * with PKCE). Only with Caseway's own user pool.
   */
  addSignInDomain(props: SignInDomainProps = {}): cognito.UserPoolDomain {
    const userPool = this.requirePool('a sign-in domain');
    if (this.signInDomain) throw new Error(`${this.node.path}: the user pool already has a sign-in domain`);
    this.signInDomain = userPool.addDomain('SignInDomain', {
      ...(props.customDomain
        ? {
            customDomain: {
              domainName: props.customDomain.domainName,
              certificate: acm.Certificate.fromCertificateArn(this, 'SignInCertificate', props.customDomain.certificateArn),
            },
          }
        : { cognitoDomain: { domainPrefix: props.prefix ?? defaultDomainPrefix(this) } }),
    });
    return this.signInDomain;
  }

  /**
   * A public app client for the web console at `origin` (`https://host`, no trailing slash):
   * authorization code with PKCE only (no secret, no implicit grant, no password flows), callback and
   * sign-out URLs on that origin alone. Its id joins the audiences the API accepts, since the console
   * sends its ID token as the bearer token.
   */
  addConsoleClient(origin: string, scope?: Construct): cognito.UserPoolClient {
    const userPool = this.requirePool('a console client');
    if (!this.signInDomain)
      throw new Error(`${this.node.path}: add a sign-in domain (addSignInDomain) before the console client that signs in through it`);
    // In `scope` when given: the console's stack, which the client's callback (its distribution) is in.
    const client = new cognito.UserPoolClient(scope ?? userPool, 'ConsoleClient', {
      userPool,
      userPoolClientName: 'caseway-console',
      // A browser cannot keep a secret; PKCE proves the code's redeemer is the one who asked for it.
      generateSecret: false,
      // No SRP, no password: the console only ever redeems authorization codes. An empty object would
      // leave Cognito's defaults (SRP, custom auth); naming one flow false leaves refresh alone.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: CONSOLE_SCOPES.map((scope) => cognito.OAuthScope.custom(scope)),
        callbackUrls: [`${origin}${CONSOLE_SIGN_IN_CALLBACK_PATH}`],
        logoutUrls: [`${origin}${CONSOLE_SIGN_OUT_PATH}`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // An hour of API access per token; a working day of silent renewal, then sign in again.
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      authSessionValidity: Duration.minutes(5),
    });
    this.audience.push(client.userPoolClientId);
    return client;
  }

  private requirePool(what: string): cognito.UserPool {
    if (!this.userPool)
      throw new Error(`${this.node.path}: ${what} needs Caseway's own user pool; with an external OIDC provider, register the console there`);
    return this.userPool;
  }
}

/**
 * Cognito prefix domains are global per region: the stack name alone would collide between accounts.
 * Lower-case letters, digits and hyphens only, at most 63 characters.
 */
function defaultDomainPrefix(scope: Construct): string {
  const stack = Stack.of(scope);
  const name = stack.stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/aws|amazon|cognito/g, 'x')
    .slice(0, 30);
  return `caseway-${name}-${stack.account}`.replace(/--+/g, '-');
}

/** Fail at synth, not at every function's cold start, on a mapping the handlers would refuse. */
function validateRoleMapping(scope: Construct, mapping: Readonly<Record<string, Role>>): Readonly<Record<string, Role>> {
  const entries = Object.entries(mapping);
  if (entries.length === 0) throw new Error(`${scope.node.path}: roleMapping maps no group to a role, so nobody could call the API`);
  for (const [group, role] of entries) {
    if (group === '') throw new Error(`${scope.node.path}: roleMapping has an empty group name`);
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`${scope.node.path}: roleMapping maps '${group}' to '${String(role)}', not one of ${ROLES.join(', ')}`);
  }
  return { ...mapping };
}

/** Fail at synth, not at the first request, on an issuer API Gateway would reject. */
function validateOidc(scope: Construct, oidc: ExternalOidc): void {
  if (!Token.isUnresolved(oidc.issuer) && !/^https:\/\/[^\s/]+/.test(oidc.issuer)) {
    throw new Error(`${scope.node.path}: oidc.issuer must be an https URL, got '${oidc.issuer}'`);
  }
  if (oidc.audience.length === 0 || oidc.audience.some((a) => !Token.isUnresolved(a) && a.trim() === '')) {
    throw new Error(`${scope.node.path}: oidc.audience needs at least one non-empty value`);
  }
}
