/**
 * AWS list prices the cost bench (`npm run bench:costs`) multiplies its measured request counts by:
 * us-east-1 (US East, N. Virginia), on-demand, no free tier, no Savings Plans, first pricing tier.
 * Kept here alone so that a price change is one edit.
 *
 * As of 2026-12-03, from the AWS pricing pages named on each entry (aws.amazon.com/<service>/pricing/).
 * Those pages render most figures client-side, so the values were read from their text and worked
 * examples where shown, and otherwise are the long-standing published rates; check the page before
 * quoting a total to anyone.
 */
export const AWS_PRICES = {
  asOf: '2026-12-03',
  region: 'us-east-1',
  lambda: {
    /** "AWS Lambda pricing": $0.20 per 1M requests. */
    perRequest: 0.2 / 1e6,
    /** Same page, Arm (Graviton2) duration, first 6 billion GB-seconds a month: $0.0000133334 per GB-second. */
    perGbSecondArm64: 0.0000133334,
    /** Same page, x86: $0.0000166667 per GB-second (Caseway's functions are arm64: lib/constructs/caseway-function.ts). */
    perGbSecondX86: 0.0000166667,
  },
  dynamodb: {
    /** "Amazon DynamoDB pricing for on-demand capacity", after the 1 Nov 2024 cut: $0.625 per million write request units. */
    perWriteRequestUnit: 0.625 / 1e6,
    /** Same page: $0.125 per million read request units. */
    perReadRequestUnit: 0.125 / 1e6,
  },
  stepFunctions: {
    /** "AWS Step Functions pricing", Standard workflows: $0.025 per 1,000 state transitions. */
    perStandardTransition: 0.025 / 1000,
  },
  eventBridge: {
    /** "Amazon EventBridge pricing", event bus: custom events $1.00 per million, each 64 KB chunk of a payload one event. */
    perCustomEvent: 1.0 / 1e6,
  },
  apiGateway: {
    /** "Amazon API Gateway pricing", HTTP APIs: $1.00 per million requests (first 300 million a month), per 512 KB increment. */
    perHttpRequest: 1.0 / 1e6,
  },
  ses: {
    /** "Amazon SES pricing": $0.10 per 1,000 outbound emails. */
    perEmail: 0.1 / 1000,
  },
  kms: {
    /** "AWS Key Management Service pricing": $0.03 per 10,000 requests (symmetric), $1 a month per customer managed key. */
    perRequest: 0.03 / 10_000,
    perKeyMonth: 1,
  },
  openSearchServerless: {
    /** "Amazon OpenSearch Service pricing", Serverless: $0.24 per OCU-hour (indexing and search alike). */
    perOcuHour: 0.24,
  },
} as const;

export type AwsPrices = typeof AWS_PRICES;
