/**
 * Outbound email for Caseway's notifications: the SES identity the sender uses
 * (an address, or a whole domain with DKIM), provided to the functions whose
 * declaration uses `email` (the notification consumer): SES mode, the sender address,
 * and `ses:SendEmail` on that identity only, from that address only. A new identity must still be verified (a link mailed to the
 * address, or DNS records for a domain) and the account taken out of the SES sandbox
 * before mail reaches anyone outside it.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { FunctionResources } from './function-resources.js';

export interface NotificationsProps {
  /** The stack's resources: this adds sending email, for the functions whose declaration uses `email`. */
  readonly resources: FunctionResources;
  /**
   * The From address of every message.
   * @default 'caseway@example.com' (set your own: mail from it cannot be verified)
   */
  readonly fromAddress?: string;
  /**
   * Verify the whole domain (DKIM) rather than the one address.
   * @default - the address alone
   */
  readonly identityDomain?: string;
  /**
   * An SES configuration set (event publishing, suppression) to send through.
   * @default - none
   */
  readonly configurationSetName?: string;
}

export class Notifications extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly fromAddress: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.fromAddress = props.fromAddress ?? 'caseway@example.com';
    const domain = this.fromAddress.split('@')[1];
    if (!domain) throw new Error(`Notifications: fromAddress '${this.fromAddress}' is not an email address`);
    if (props.identityDomain && domain !== props.identityDomain && !domain.endsWith(`.${props.identityDomain}`)) {
      throw new Error(`Notifications: fromAddress '${this.fromAddress}' is not in identityDomain '${props.identityDomain}'`);
    }
    const identityName = props.identityDomain ?? this.fromAddress;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: props.identityDomain ? ses.Identity.domain(props.identityDomain) : ses.Identity.email(this.fromAddress),
      ...(props.configurationSetName
        ? { configurationSet: ses.ConfigurationSet.fromConfigurationSetName(this, 'ConfigurationSet', props.configurationSetName) }
        : {}),
    });

    const stack = Stack.of(this);
    const sendEmail = () =>
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identityName }),
          ...(props.configurationSetName
            ? [stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: props.configurationSetName })]
            : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
      });
    props.resources.provide('email', {
      values: {
        mode: 'ses',
        fromAddress: this.fromAddress,
        ...(props.configurationSetName ? { configurationSet: props.configurationSetName } : {}),
      },
      grant: (fn) => fn.addToRolePolicy(sendEmail()),
    });
  }
}
