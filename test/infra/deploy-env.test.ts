/**
 * Caseway synthesized for a concrete account and region, as enterprises deploy it
 * (`env: {account, region}`, or CDK_DEFAULT_ACCOUNT/REGION in bin/app.ts). ARNs built
 * with `formatArn` then hold the literal account and region instead of
 * `<AWS::AccountId>`/`<AWS::Region>`, so an acknowledgement spelled with the
 * pseudo-parameters stops matching and the synth fails. The same stack must pass
 * cdk-nag in both forms, with the checks registered as bin/app.ts registers them.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_ENV, nagFindings, removeSynthOutput, synthCaseway } from './synth.js';

afterAll(removeSynthOutput);

describe('cdk-nag with an explicit account and region', () => {
  it.each([
    ['environment-agnostic', undefined],
    [`account ${DEPLOY_ENV.account}, region ${DEPLOY_ENV.region}`, DEPLOY_ENV],
  ])(
    '%s: every finding is acknowledged, so the synth passes',
    (_name, env) => {
      const s = synthCaseway(
        // Every construct that grants on ARNs: attachments, inbound mail, SES sending, SLA timers, search.
        {
          inboundEmail: { recipients: ['help.example.com'] },
          notifications: { fromAddress: 'support@cases.example.org', identity: 'cases.example.org', configurationSetName: 'caseway' },
          console: false,
        },
        { bundle: false, ...(env ? { env } : {}), plugins: (app) => [new AwsSolutionsChecks(app, { verbose: true })] },
      );
      expect(nagFindings(s.app)).toEqual([]);
      if (env) expect(JSON.stringify(s.template.toJSON())).toContain(`:${env.region}:${env.account}:`);
    },
    120_000,
  );
});
