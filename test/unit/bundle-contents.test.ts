/**
 * What a function's bundle carries is decided by its imports, and one careless import
 * (a barrel, a schema module) can put megabytes into every cold start. These pin the
 * heavy packages to the functions that use them, bundled as CDK bundles them.
 * The sizes and load times themselves are `npm run bench:bundles`'s figures.
 */
import { describe, expect, it } from 'vitest';
import { bundleLambda } from '../support/lambda-bundle.js';

async function packagesIn(fn: string): Promise<Set<string>> {
  const { inputs } = await bundleLambda(`functions/handlers/${fn}.ts`);
  const packages = Object.keys(inputs)
    .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(packages);
}

/**
 * date-holidays (with moment-timezone and astronomia, about 1.4 MiB minified) is for
 * the functions that run SLA clocks over business calendars. These only read cases,
 * or have nothing to do with clocks.
 */
const WITHOUT_HOLIDAYS = [
  'assets',
  'case-attachments',
  'case-handoff',
  'case-tasks',
  'case-types',
  'cases-get',
  'cases-history',
  'cases-list',
  'comments-list',
  'event-schemas',
  'fallback',
  'intake-ack',
  'knowledge-articles',
  'knowledge-indexer',
  'knowledge-search',
  'live-connect',
  'live-fanout',
  'notification-sender',
  'notifications',
  'openapi',
  'outbox-publisher',
];

describe('what each bundle carries', () => {
  it.each(WITHOUT_HOLIDAYS)('%s carries no holiday calendars', async (fn) => {
    expect([...(await packagesIn(fn))]).not.toContain('date-holidays');
  });

  // The control: a function that starts SLA clocks does carry them, so the check above sees the package when it is there.
  it('cases-create carries them, since it starts SLA clocks', async () => {
    expect([...(await packagesIn('cases-create'))]).toContain('date-holidays');
  });

  // The stack's alias (functions/adapters/lambda-credentials.ts): in Lambda the credentials are in the environment.
  it.each(['outbox-publisher', 'cases-create'])('%s takes its AWS credentials from the environment, without the rest of the chain', async (fn) => {
    const packages = [...(await packagesIn(fn))];
    expect(packages).toContain('@aws-sdk/credential-provider-env');
    const chain = [
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/nested-clients',
    ];
    expect(packages.filter((name) => chain.includes(name))).toEqual([]);
  });

  it.each(['fallback', 'event-schemas', 'outbox-publisher'])('%s carries no DynamoDB client', async (fn) => {
    expect([...(await packagesIn(fn))]).not.toContain('@aws-sdk/client-dynamodb');
  });
});
