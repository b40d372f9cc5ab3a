/**
 * The arithmetic of `npm run bench:costs`: billing units from sizes and durations, and dollars
 * from units. Pure, so test/unit/cost-model.test.ts holds it to AWS's published rules.
 */
import type { AwsPrices } from './aws-prices.js';

const KB = 1024;

/** DynamoDB write request units of one item write: 1 per started KB (at least 1), twice that in a transaction. */
export function writeUnits(bytes: number, options: { transactional?: boolean } = {}): number {
  return Math.max(1, Math.ceil(bytes / KB)) * (options.transactional ? 2 : 1);
}

export type ReadConsistency = 'eventual' | 'strong' | 'transactional';
const READ_FACTOR: Record<ReadConsistency, number> = { eventual: 0.5, strong: 1, transactional: 2 };

/**
 * DynamoDB read request units of one read of `bytes` (an item, or a Query's whole result: a Query
 * is billed on the bytes it read, summed, not per item): 1 per started 4 KB (at least 1) strongly
 * consistent, half that eventually consistent, twice that in a transaction.
 */
export function readUnits(bytes: number, consistency: ReadConsistency): number {
  return Math.max(1, Math.ceil(bytes / (4 * KB))) * READ_FACTOR[consistency];
}

/** EventBridge events billed for one PutEvents entry: each started 64 KB chunk of it. */
export const eventBridgeEvents = (bytes: number): number => Math.max(1, Math.ceil(bytes / (64 * KB)));

/** Lambda GB-seconds of one invocation: its duration rounded up to the millisecond, times its memory. */
export const gbSeconds = (ms: number, memoryMb: number): number => (Math.ceil(ms) / 1000) * (memoryMb / 1024);

/** What `npm run bench:costs` measured for a number of cases, each through its whole life. */
export interface Measured {
  readonly cases: number;
  readonly lambda: { readonly invocations: number; readonly gbSeconds: number };
  readonly dynamodb: { readonly readUnits: number; readonly writeUnits: number };
  readonly stepFunctions: { readonly transitions: number };
  readonly eventBridge: { readonly events: number };
  readonly apiGateway: { readonly requests: number };
  readonly ses: { readonly emails: number };
}

export interface CostLine {
  readonly service: string;
  /** What is billed, per case. */
  readonly perCase: string;
  /** USD for 1,000 cases through their life. */
  readonly per1000Cases: number;
}

/** Dollars per service for 1,000 cases like the measured ones, and the total (last line). */
export function costLines(m: Measured, p: AwsPrices): CostLine[] {
  const per = (n: number) => n / m.cases;
  const thousand = (usd: number) => (usd / m.cases) * 1000;
  const fixed = (n: number, digits = 1) => per(n).toFixed(digits);
  const lines: CostLine[] = [
    {
      service: 'Lambda (arm64)',
      perCase: `${fixed(m.lambda.invocations)} invocations, ${fixed(m.lambda.gbSeconds, 3)} GB-s`,
      per1000Cases: thousand(m.lambda.invocations * p.lambda.perRequest + m.lambda.gbSeconds * p.lambda.perGbSecondArm64),
    },
    {
      service: 'DynamoDB (on-demand)',
      perCase: `${fixed(m.dynamodb.writeUnits)} WRU, ${fixed(m.dynamodb.readUnits)} RRU`,
      per1000Cases: thousand(m.dynamodb.writeUnits * p.dynamodb.perWriteRequestUnit + m.dynamodb.readUnits * p.dynamodb.perReadRequestUnit),
    },
    {
      service: 'Step Functions (Standard)',
      perCase: `${fixed(m.stepFunctions.transitions)} state transitions`,
      per1000Cases: thousand(m.stepFunctions.transitions * p.stepFunctions.perStandardTransition),
    },
    {
      service: 'EventBridge (custom bus)',
      perCase: `${fixed(m.eventBridge.events)} events published`,
      per1000Cases: thousand(m.eventBridge.events * p.eventBridge.perCustomEvent),
    },
    {
      service: 'API Gateway (HTTP API)',
      perCase: `${fixed(m.apiGateway.requests)} requests`,
      per1000Cases: thousand(m.apiGateway.requests * p.apiGateway.perHttpRequest),
    },
    { service: 'SES', perCase: `${fixed(m.ses.emails)} emails`, per1000Cases: thousand(m.ses.emails * p.ses.perEmail) },
  ];
  return [...lines, { service: 'Total', perCase: '', per1000Cases: lines.reduce((sum, l) => sum + l.per1000Cases, 0) }];
}

/** OpenSearch Serverless's monthly floor, whatever the case count: `ocus` OCUs all month (docs/deploy.md#knowledge-search-floor). */
export const openSearchFloorPerMonth = (ocus: number, p: AwsPrices, hoursPerMonth = 730): number =>
  ocus * hoursPerMonth * p.openSearchServerless.perOcuHour;
