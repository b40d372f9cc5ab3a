/**
 * What a pipeline deploys where: the repository it builds, the account and region the pipeline
 * lives in, and each stage in the order changes reach it. Given as context
 * (`-c pipeline='{...}'`, or the object itself in cdk.json), checked here so a typo in an
 * account id fails the synth with the field's name rather than a deploy an hour later.
 */
import { z } from 'zod';

const account = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'an AWS region such as eu-west-1');

const stage = z
  .object({
    /** The stage's name: its construct id, its stack names' prefix, and what the console shows. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, starting with a letter'),
    account,
    region,
    /**
     * A person approves before this stage deploys.
     * @default true for `production`, false otherwise
     */
    approval: z.boolean().optional(),
    /**
     * A Secrets Manager secret in the pipeline account (name or ARN) holding `{"username","password"}` of a
     * user in this stage's pool: the smoke test signs in as it. Without one, the smoke test checks only the
     * routes that need no token.
     */
    smokeUserSecret: z.string().min(1).optional(),
    /** Table and user pool protected from deletion; turn off for a throw-away stage. @default true */
    deletionProtection: z.boolean().optional(),
    /** The web console (its files are built in the synth step). @default true */
    console: z.boolean().optional(),
  })
  .strict();

export const pipelineConfigSchema = z
  .object({
    /** The tooling account the pipeline runs in; each stage's account trusts it (`cdk bootstrap --trust`). */
    account,
    region,
    source: z
      .object({
        /** A CodeStar (CodeConnections) connection to the repository host, made once in the pipeline account. */
        connectionArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/.+$/, 'a CodeConnections connection ARN'),
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
        branch: z.string().min(1).default('main'),
      })
      .strict(),
    stages: z
      .array(stage)
      .min(1)
      .refine((stages) => new Set(stages.map((s) => s.name)).size === stages.length, 'stage names must be unique'),
  })
  .strict();

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type StageConfig = PipelineConfig['stages'][number];

/** Whether a person approves before `stage` deploys. */
export const needsApproval = (stage: StageConfig): boolean => stage.approval ?? stage.name === 'production';

const EXAMPLE =
  '{"account":"000000000000","region":"eu-west-1","source":{"connectionArn":"arn:aws:codeconnections:eu-west-1:000000000000:connection/...","repo":"owner/name","branch":"main"},' +
  '"stages":[{"name":"dev","account":"111111111111","region":"eu-west-1"},{"name":"staging",...},{"name":"production",...}]}';

/** The `pipeline` context value (JSON text or the object), checked; throws naming each field that is wrong. */
export function parsePipelineConfig(value: unknown): PipelineConfig {
  if (value === undefined || value === null || value === '') throw new Error(`-c pipeline is required: a JSON object such as ${EXAMPLE}`);
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`-c pipeline must be JSON, got '${value}'`);
    }
  }
  const result = pipelineConfigSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(config)'}: ${issue.message}`);
    throw new Error(`-c pipeline is not a valid pipeline config:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
