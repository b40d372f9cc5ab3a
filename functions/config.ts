/**
 * Configuration, read from the environment once at cold start and validated, so a
 * missing setting fails the first invocation loudly instead of some later request.
 * The only difference between AWS and the local platform is what these hold.
 *
 * Each reading is kept per environment object: in Lambda that is the one
 * `process.env` of the container; locally every function has a stable view of its
 * own (lib/local/function-loader.ts), so each is read once per function there.
 */
import * as z from 'zod';
import { DEFAULT_ROLES_CLAIM, ROLES } from './core/caller.js';
import { TeamName } from './core/case-type.js';

/**
 * Where domain events go. Kept apart (and read by `eventsConfig()`) because the
 * outbox publisher has no table to name: it only reads the stream and puts events.
 */
const EventsSettings = z.object({
  /** Caseway's bus (name or ARN). */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** Set only locally: the EventBridge stand-in's PutEvents endpoint; in AWS the SDK finds the regional one. */
  EVENTBRIDGE_ENDPOINT: z.string().url().optional(),
});
export type EventsConfig = z.infer<typeof EventsSettings>;

/** One reading per environment object, made on first use. */
function perEnvironment<T>(read: () => T): () => T {
  const readings = new WeakMap<object, T>();
  return () => {
    const env = process.env;
    if (!readings.has(env)) readings.set(env, read());
    return readings.get(env)!;
  };
}

export const eventsConfig: () => EventsConfig = perEnvironment(() => {
  const parsed = EventsSettings.safeParse(process.env);
  if (!parsed.success)
    throw new Error(`Caseway event configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
});

/**
 * Outbound messages. Kept apart like the event settings: only the notifier reads them.
 */
const NotificationSettings = z.object({
  /** `ses` in AWS; `outbox` (the default) records messages and, with OUTBOX_DIR, writes .eml files. */
  NOTIFY_MODE: z.enum(['outbox', 'ses']).default('outbox'),
  /** The sender: a verified SES identity (the address, or an address of a verified domain). */
  NOTIFY_FROM_ADDRESS: z.email().default('caseway@example.com'),
  /** Right-hand side of outbound Message-IDs (default: the sender's domain). */
  NOTIFY_MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/)
    .optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Local: where the outbox writes each message as an .eml file. */
  OUTBOX_DIR: z.string().min(1).optional(),
});
export type NotificationsConfig = z.infer<typeof NotificationSettings>;

export const notificationsConfig: () => NotificationsConfig = perEnvironment(() => {
  const parsed = NotificationSettings.safeParse(process.env);
  if (!parsed.success)
    throw new Error(
      `Caseway notification configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
});

/**
 * Live updates: how to reach the WebSocket connections (the connect and fan-out
 * handlers), and whose ID tokens the connect handler accepts. Kept apart like the
 * event settings: only those handlers read them.
 */
const LiveSettings = z
  .object({
    /** `managementApi` in AWS (posts through API Gateway); `local` (the default) writes to the local platform's sockets. */
    LIVE_PUSH: z.enum(['managementApi', 'local']).default('local'),
    /** AWS: the stage's connection management endpoint, https://<api>.execute-api.<region>.amazonaws.com/<stage>. */
    LIVE_CONNECTIONS_ENDPOINT: z.string().url().optional(),
  })
  .refine((c) => c.LIVE_PUSH !== 'managementApi' || c.LIVE_CONNECTIONS_ENDPOINT !== undefined, {
    path: ['LIVE_CONNECTIONS_ENDPOINT'],
    message: 'required when LIVE_PUSH is managementApi',
  });
export type LiveConfig = z.infer<typeof LiveSettings>;

const TokenSettings = z
  .object({
    /** The issuer ID tokens must name: the Cognito user pool's, or the local dev issuer's. */
    TOKEN_ISSUER: z.string().min(1),
    /** The app client id(s) ID tokens must be for, comma-separated. */
    TOKEN_AUDIENCE: z
      .string()
      .min(1)
      .transform((text) =>
        text
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    /** AWS: the issuer's JWKS URL (Cognito: `<issuer>/.well-known/jwks.json`), fetched and cached by jose. */
    TOKEN_JWKS_URL: z.string().url().optional(),
    /** Local: the dev issuer's public keys, as a JWKS JSON document. */
    TOKEN_JWKS: z.string().min(1).optional(),
  })
  .refine((c) => c.TOKEN_JWKS_URL !== undefined || c.TOKEN_JWKS !== undefined, {
    path: ['TOKEN_JWKS_URL'],
    message: 'TOKEN_JWKS_URL or TOKEN_JWKS is required',
  });
export type TokenConfig = z.infer<typeof TokenSettings>;

function parsed<T>(schema: z.ZodType<T>, what: string): T {
  const result = schema.safeParse(process.env);
  if (!result.success)
    throw new Error(`Caseway ${what} configuration is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result.data;
}

export const liveConfig: () => LiveConfig = perEnvironment(() => parsed(LiveSettings, 'live'));
export const tokenConfig: () => TokenConfig = perEnvironment(() => parsed(TokenSettings, 'token'));

/**
 * A JSON object of exact group name -> value, parsed once at cold start into a Map, so a
 * group called `__proto__` is only a name (a record schema would drop that own key).
 */
function groupMappingSetting<V extends string>(value: z.ZodType<V>, what: string, absent: ReadonlyMap<string, V>, maxGroupLength = Infinity) {
  return z
    .string()
    .optional()
    .transform((text, ctx): ReadonlyMap<string, V> => {
      if (text === undefined || text.trim() === '') return absent;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object {"group name": "${what}"}` });
        return z.NEVER;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object {"group name": "${what}"}` });
        return z.NEVER;
      }
      const entries = Object.entries(parsed as Record<string, unknown>);
      const wrong = entries.filter(([group, v]) => group === '' || group.length > maxGroupLength || !value.safeParse(v).success);
      if (wrong.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must map non-empty group names to a ${what}; wrong: ${wrong.map(([group]) => JSON.stringify(group)).join(', ')}`,
        });
        return z.NEVER;
      }
      return new Map(entries as [string, V][]);
    });
}

/** Group -> role (ROLE_MAPPING); unset: each role is granted by the group of the same name. */
export const RoleMappingSetting = groupMappingSetting(z.enum(ROLES), `role (${ROLES.join(', ')})`, new Map(ROLES.map((role) => [role, role])));

/** Group -> team (TEAM_GROUPS); unset: nobody is in a team. */
export const TeamGroupsSetting = groupMappingSetting(TeamName, 'team', new Map(), 256);

const Config = z
  .object({
    TABLE_NAME: z.string().min(1),
    /** Set only locally (DynamoDB Local); in AWS the SDK finds the regional endpoint. */
    DYNAMODB_ENDPOINT: z.string().url().optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /**
     * How long one DynamoDB call may wait for an answer before it is retried (4 attempts in all):
     * short enough that a stalled table answers 503 with Retry-After inside the function's 10 s, not a Lambda timeout.
     */
    DYNAMODB_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(2000),
    /** The JWT claim that carries the caller's roles (Cognito: `cognito:groups`). */
    ROLES_CLAIM: z.string().min(1).default(DEFAULT_ROLES_CLAIM),
    /**
     * Which group grants which Caseway role: a JSON object `{"<exact group name>": "<role>"}`.
     * Unset: each role is granted by the group of the same name (the Cognito pool's groups).
     */
    ROLE_MAPPING: RoleMappingSetting,
    /** The JWT claim whose groups map to teams (default: the roles claim, where Cognito puts a user's groups). */
    TEAMS_CLAIM: z.string().min(1).optional(),
    /** Exact group name -> team name, as JSON (`{"caseway-fraud":"fraud"}`). Groups not listed are no team. */
    TEAM_GROUPS: TeamGroupsSetting,
    CASE_ID_PREFIX: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{1,9}$/)
      .default('CASE'),
    CASE_NUMBER_BLOCK_SIZE: z.coerce.number().int().min(1).max(10_000).default(50),
    /** Largest request body a handler accepts, in bytes. */
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    /** How long a create's Idempotency-Key is remembered. */
    IDEMPOTENCY_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(24 * 3600),
    /** How long an imported row's key is remembered, so re-importing the same record never duplicates it. */
    IMPORT_KEY_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(3600)
      .default(400 * 24 * 3600),
    /** Largest import body, in bytes (API Gateway takes 10 MB, a synchronous Lambda 6 MB). */
    MAX_IMPORT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(5 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** AWS: the attachment bucket (versioned, KMS-encrypted). */
    ATTACHMENTS_BUCKET: z.string().min(1).optional(),
    /** Local: attachments as files under this directory, served by the local gateway. */
    FILES_DIR: z.string().min(1).optional(),
    /** Local: the gateway's base URL, which signed file URLs start with. */
    FILES_BASE_URL: z.string().url().optional(),
    /** Local: the HMAC key of signed file URLs. */
    FILES_SIGNING_KEY: z.string().min(32).optional(),
    /** Knowledge search: OpenSearch Serverless, or the in-process engine (locally; in AWS with its index in S3). */
    SEARCH_MODE: z.enum(['embedded', 'opensearch']).default('embedded'),
    /** Embedded, AWS: the bucket holding the index object, which every search function loads and the indexer replaces. */
    SEARCH_INDEX_BUCKET: z.string().min(1).optional(),
    /** Embedded, without a bucket: the index object as a file under this directory (shared by processes, as the bucket is). */
    SEARCH_INDEX_DIR: z.string().min(1).optional(),
    /** The index object's key in that bucket or directory. */
    SEARCH_INDEX_KEY: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/)
      .default('knowledge/index.json.gz'),
    /** How stale a search function's copy of a stored index may be, at most, in seconds (one conditional GET per period). */
    SEARCH_INDEX_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
    /** The collection endpoint (https://<id>.<region>.aoss.amazonaws.com); required with SEARCH_MODE=opensearch. */
    OPENSEARCH_ENDPOINT: z.string().url().optional(),
    OPENSEARCH_INDEX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,254}$/)
      .default('knowledge'),
    ...EventsSettings.shape,
    ...NotificationSettings.shape,
    /** Intake: a near-identical message from the same requester within this many minutes joins their open case. */
    INTAKE_DEDUP_WINDOW_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
    /** Intake: the Jaccard score (character 4-shingles) at or above which two messages are the same request. */
    INTAKE_DEDUP_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.8),
    /** Largest raw email intake takes, in bytes (a synchronous Lambda takes 6 MB). */
    MAX_EMAIL_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(5 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** AWS: the SLA clock state machine; timers start executions of it. Unset locally, where the platform runs the same ASL in process. */
    SLA_STATE_MACHINE_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/)
      .optional(),
    /** Local: the secret text listing cursors are sealed with (the platform keeps it in its data directory). */
    CURSOR_KEY: z.string().min(32).optional(),
    /** AWS: the Secrets Manager secret holding that text; only the functions that page listings get it. */
    CURSOR_KEY_SECRET_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/)
      .optional(),
  })
  .refine((c) => c.SEARCH_MODE !== 'opensearch' || c.OPENSEARCH_ENDPOINT !== undefined, {
    path: ['OPENSEARCH_ENDPOINT'],
    message: 'required when SEARCH_MODE is opensearch',
  })
  .refine((c) => c.CURSOR_KEY === undefined || c.CURSOR_KEY_SECRET_ARN === undefined, {
    // One key source, so which key seals cursors never depends on which setting wins.
    path: ['CURSOR_KEY'],
    message: 'set CURSOR_KEY or CURSOR_KEY_SECRET_ARN, not both',
  });

export type Config = z.infer<typeof Config>;

export const config: () => Config = perEnvironment(() => {
  const parsed = Config.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Caseway configuration is invalid: ${problems}`);
  }
  return parsed.data;
});
