/**
 * Outbound email: the SES identity Caseway sends through, provided to the functions whose declaration
 * uses `email` (the notification sender, the intake acknowledgement): SES mode, the sender address, and
 * `ses:SendEmail` on that identity (and configuration set) only, from that address only.
 *
 * The identity is the deployer's by default, not the stack's: an SES identity is one per account and
 * region, so a stack that created it would fail with "already exists" in an account that verified its
 * domain already, and a second deployment of Caseway beside the first would too. Caseway creates an
 * identity (and a configuration set) only when asked (`createIdentity`, `createConfigurationSet`).
 * Either way SES must verify it (a link mailed to the address, or DNS records for a domain) and the
 * account leave the SES sandbox before mail reaches anyone outside it (docs/deploy.md, "Mail").
 */
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { FunctionResources } from './function-resources.js';

/** Who Caseway's mail is from and what SES sends it through: the `notifications` prop of `Caseway`. */
export interface MailSenderProps {
  /**
   * The From address of every message (notifications, intake acknowledgements and, with Caseway's
   * user pool, Cognito's messages).
   * @default - the identity when it is an address; otherwise 'caseway@example.com' (set your own: mail from it cannot be verified)
   */
  readonly fromAddress?: string;
  /**
   * The SES identity to send through, verified already: a domain (`example.com`, covering its
   * subdomains), an address, or either's ARN (`arn:aws:ses:<region>:<account>:identity/example.com`).
   * @default - whichever of `fromAddress` and its domain is verified (the grant names both)
   */
  readonly identity?: string;
  /**
   * Create the identity in this stack (a domain by name, or the address). Only for an account where
   * it does not exist yet; it must then still be verified.
   * @default false: the identity exists already
   */
  readonly createIdentity?: boolean;
  /**
   * The SES configuration set every message goes through (event publishing, suppression).
   * @default - none (with `createConfigurationSet`, a generated name)
   */
  readonly configurationSetName?: string;
  /**
   * Create the configuration set (named `configurationSetName`, if given): account-level suppression
   * of bounces and complaints, reputation metrics.
   * @default false
   */
  readonly createConfigurationSet?: boolean;
  /**
   * Send Caseway's user pool's mail (invitations, codes) through this identity rather than Cognito's
   * own sender, which allows 50 messages a day.
   * @default - true when `identity` names an identity you bring; false otherwise (Cognito refuses an
   * identity that is not verified yet, as a created one is at first)
   */
  readonly userPoolEmail?: boolean;
}

export interface NotificationsProps extends MailSenderProps {
  /** The stack's resources: this adds sending email, for the functions whose declaration uses `email`. */
  readonly resources: FunctionResources;
}

/** What the props come to, before any construct exists: Caseway's user pool needs it too. */
export interface MailSender {
  readonly fromAddress: string;
  /** The identities a message may go through, each by name or ARN: the one named, or the address and its domain. */
  readonly identities: readonly string[];
  /** The identity named (or created), when there is exactly one. */
  readonly identity: string | undefined;
  readonly configurationSetName: string | undefined;
  /** Whether Cognito sends through SES (`userPoolEmail` with its default applied). */
  readonly userPoolEmail: boolean;
}

const DEFAULT_FROM = 'caseway@example.com';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const IDENTITY_ARN = /^arn:[a-z-]+:ses:([a-z0-9-]+):\d{12}:identity\/(.+)$/;
// SES's own rule for a configuration set name.
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;

/** The identity's name (`example.com`, `a@example.com`) from its name or ARN. */
export function identityName(identity: string): string {
  return IDENTITY_ARN.exec(identity)?.[2] ?? identity;
}

/** The region of an identity given by ARN; undefined for one given by name (it is in the stack's region). */
export function identityRegion(identity: string): string | undefined {
  return IDENTITY_ARN.exec(identity)?.[1];
}

/**
 * Check the props and apply their defaults: the sender must be the identity (an address) or in it (a
 * domain or a subdomain of it), so that SES would accept it and the `ses:FromAddress` condition holds.
 */
export function mailSenderOf(props: MailSenderProps = {}): MailSender {
  const named = props.identity?.trim() || undefined;
  if (named !== undefined && named.startsWith('arn:') && !IDENTITY_ARN.test(named))
    throw new Error(`notifications.identity '${named}' is not an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)`);
  const name = named === undefined ? undefined : identityName(named).toLowerCase();
  if (name !== undefined && !EMAIL.test(name) && !DOMAIN.test(name))
    throw new Error(`notifications.identity '${named}' is neither a domain nor an email address`);
  const isAddress = name !== undefined && name.includes('@');
  const fromAddress = props.fromAddress?.trim() || (isAddress ? name : undefined) || (name === undefined ? DEFAULT_FROM : undefined);
  if (fromAddress === undefined) throw new Error(`notifications.identity '${named}' is a domain: give notifications.fromAddress, an address in it`);
  if (!EMAIL.test(fromAddress)) throw new Error(`notifications.fromAddress '${fromAddress}' is not an email address`);
  const fromDomain = fromAddress.split('@')[1]!.toLowerCase();
  if (isAddress && fromAddress.toLowerCase() !== name)
    throw new Error(`notifications.fromAddress '${fromAddress}' is not the identity '${name}': an address identity sends only as itself`);
  if (name !== undefined && !isAddress && fromDomain !== name && !fromDomain.endsWith(`.${name}`))
    throw new Error(`notifications.fromAddress '${fromAddress}' is not in the identity's domain '${name}'`);
  if (props.createIdentity && named?.startsWith('arn:'))
    throw new Error('notifications.createIdentity makes the identity by name: give notifications.identity as a domain or an address, not an ARN');
  const configurationSetName = props.configurationSetName?.trim() || undefined;
  if (configurationSetName !== undefined && !Token.isUnresolved(configurationSetName) && !CONFIGURATION_SET.test(configurationSetName))
    throw new Error(`notifications.configurationSetName '${configurationSetName}' must be 1 to 64 letters, digits, '_' or '-'`);
  // Created, the identity is one name: the domain given, or else the address.
  const identity = named ?? (props.createIdentity ? fromAddress : undefined);
  return {
    fromAddress,
    identities: identity !== undefined ? [identity] : [fromAddress, fromDomain],
    identity,
    configurationSetName,
    userPoolEmail: props.userPoolEmail ?? (named !== undefined && !props.createIdentity),
  };
}

/** The ARN of an identity given by name or ARN, in `scope`'s account and region when by name. */
export function identityArn(scope: Construct, identity: string): string {
  if (IDENTITY_ARN.test(identity)) return identity;
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

export class Notifications extends Construct {
  readonly fromAddress: string;
  /** The resolved sender: identities, configuration set. */
  readonly sender: MailSender;
  /** The identity Caseway created, with `createIdentity`. */
  readonly identity: ses.EmailIdentity | undefined;
  /** The configuration set Caseway created, with `createConfigurationSet`. */
  readonly configurationSet: ses.ConfigurationSet | undefined;
  /** The configuration set's name, created or brought. */
  readonly configurationSetName: string | undefined;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.sender = mailSenderOf(props);
    this.fromAddress = this.sender.fromAddress;
    this.configurationSet = props.createConfigurationSet
      ? new ses.ConfigurationSet(this, 'ConfigurationSet', {
          ...(this.sender.configurationSetName ? { configurationSetName: this.sender.configurationSetName } : {}),
          suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
          reputationMetrics: true,
        })
      : undefined;
    this.configurationSetName = this.configurationSet?.configurationSetName ?? this.sender.configurationSetName;
    if (props.createIdentity) {
      const name = this.sender.identity!;
      this.identity = new ses.EmailIdentity(this, 'Identity', {
        identity: name.includes('@') ? ses.Identity.email(name) : ses.Identity.domain(name),
        ...(this.configurationSetName
          ? {
              configurationSet:
                this.configurationSet ?? ses.ConfigurationSet.fromConfigurationSetName(this, 'ExistingConfigurationSet', this.configurationSetName),
            }
          : {}),
      });
    }

    const stack = Stack.of(this);
    const resources = [
      ...this.sender.identities.map((identity) => identityArn(this, identity)),
      ...(this.configurationSetName
        ? [
            stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSetName,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          ]
        : []),
    ];
    // SES v2's SendEmail (simple or raw content alike) is authorized as ses:SendEmail on the identity and,
    // when the message names one, on the configuration set.
    const sendEmail = () =>
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources,
        conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
      });
    props.resources.provide('email', {
      values: {
        mode: 'ses',
        fromAddress: this.fromAddress,
        ...(this.configurationSetName ? { configurationSet: this.configurationSetName } : {}),
      },
      grant: (fn) => fn.addToRolePolicy(sendEmail()),
    });
  }
}
