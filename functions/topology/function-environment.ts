/**
 * The one map from what a function uses (`functions.ts`, `uses`) to the settings
 * that brings, in both modes: CDK provides each resource's AWS values, the local
 * platform its local ones, and both give a function `environmentFor(its declaration,
 * values)` and none of these settings besides. The names are the ones
 * functions/config.ts reads; this is the only place that writes them.
 */
import type { FunctionDeclaration, Uses } from './functions.js';

/**
 * Environment every Caseway function gets in both modes. The CDK functions add
 * their AWS settings to it, the local platform its local ones (endpoint, tracing off).
 */
export const SHARED_FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: 'caseway',
  POWERTOOLS_METRICS_NAMESPACE: 'Caseway',
};

/**
 * Per use: setting -> the field of the resource's values it carries. A mode leaves out the
 * fields it has no use for (AWS: the endpoints, files and index dirs, cursor key text, JWKS, outbox dir;
 * local: the buckets, secret ARN, OpenSearch, state machine ARN, JWKS URL, SES).
 */
export const USE_SETTINGS = {
  table: { TABLE_NAME: 'name', DYNAMODB_ENDPOINT: 'endpoint', DYNAMODB_TIMEOUT_MS: 'timeoutMs', CASES_PER_SECOND: 'casesPerSecond' },
  readLog: {},
  bus: { EVENT_BUS_NAME: 'name', EVENTBRIDGE_ENDPOINT: 'endpoint' },
  files: { ATTACHMENTS_BUCKET: 'bucket', FILES_DIR: 'dir', FILES_BASE_URL: 'baseUrl', FILES_SIGNING_KEY: 'signingKey' },
  // The bucket and key come in each event.
  inboundMail: {},
  cursorKey: { CURSOR_KEY_SECRET_ARN: 'secretArn', CURSOR_KEY: 'key' },
  search: {
    SEARCH_MODE: 'mode',
    OPENSEARCH_ENDPOINT: 'endpoint',
    OPENSEARCH_INDEX: 'index',
    SEARCH_INDEX_BUCKET: 'bucket',
    SEARCH_INDEX_DIR: 'dir',
    SEARCH_INDEX_KEY: 'key',
  },
  slaTimers: { SLA_STATE_MACHINE_ARN: 'stateMachineArn' },
  live: { LIVE_PUSH: 'push', LIVE_CONNECTIONS_ENDPOINT: 'connectionsEndpoint' },
  tokens: { TOKEN_ISSUER: 'issuer', TOKEN_AUDIENCE: 'audience', TOKEN_JWKS_URL: 'jwksUrl', TOKEN_JWKS: 'jwks' },
  identity: { ROLES_CLAIM: 'rolesClaim', ROLE_MAPPING: 'roleMapping', TEAMS_CLAIM: 'teamsClaim', TEAM_GROUPS: 'teamGroups' },
  email: {
    NOTIFY_MODE: 'mode',
    NOTIFY_FROM_ADDRESS: 'fromAddress',
    NOTIFY_MESSAGE_ID_DOMAIN: 'messageIdDomain',
    SES_CONFIGURATION_SET: 'configurationSet',
    OUTBOX_DIR: 'outboxDir',
  },
} as const satisfies { readonly [K in keyof Uses]-?: Readonly<Record<string, string>> };

/** Levels that bring only some of their use's settings, by field: knowing a name is not using the thing. */
const LEVEL_ONLY: { readonly [K in keyof Uses]?: Partial<Record<NonNullable<Uses[K]>, readonly string[]>> } = {
  table: { name: ['name'] },
  bus: { name: ['name'] },
  identity: { rolesClaim: ['rolesClaim'] },
};

type Settings = typeof USE_SETTINGS;
/** What one mode knows of each resource, by field (`USE_SETTINGS`); `V` is `string` locally, a CDK token string in AWS. */
export type ResourceValues<V = string> = {
  readonly [K in keyof Settings]?: { readonly [F in Settings[K][keyof Settings[K]] & string]?: V };
};

/** Every setting some use brings: a function sees one of these only if its own uses bring it. */
export const USE_SETTING_NAMES: ReadonlySet<string> = new Set(Object.values(USE_SETTINGS).flatMap((settings) => Object.keys(settings)));

/** The settings `uses` brings, whichever mode fills them. */
export function settingsOf(uses: Uses): Set<string> {
  const names = new Set<string>();
  for (const [use, level] of Object.entries(uses) as [keyof Uses, string | undefined][]) {
    if (level === undefined) continue;
    const only = (LEVEL_ONLY[use] as Record<string, readonly string[]> | undefined)?.[level];
    for (const [name, field] of Object.entries(USE_SETTINGS[use] as Record<string, string>)) if (!only || only.includes(field)) names.add(name);
  }
  return names;
}

/** Every setting `values` fills, for any use: the environment a platform keeps, which each function sees its part of. */
export function settingsFor<V>(values: ResourceValues<V>): Record<string, V> {
  const everything = Object.fromEntries(Object.keys(USE_SETTINGS).map((use) => [use, FULLEST[use as keyof Uses]])) as Uses;
  return environmentFor({ uses: everything }, values);
}

/** Each use at the level that brings all its settings. */
const FULLEST: { readonly [K in keyof Uses]-?: NonNullable<Uses[K]> } = {
  table: 'readWrite',
  readLog: 'append',
  bus: 'put',
  files: 'readWrite',
  inboundMail: 'read',
  cursorKey: 'read',
  search: 'read',
  slaTimers: 'startStop',
  live: 'push',
  tokens: 'verify',
  identity: 'caller',
  email: 'send',
};

/** A function's environment from what this mode knows of its resources: exactly the settings its uses bring. */
export function environmentFor<V>(declaration: Pick<FunctionDeclaration, 'uses'>, values: ResourceValues<V>): Record<string, V> {
  const wanted = settingsOf(declaration.uses);
  const environment: Record<string, V> = {};
  for (const [use, settings] of Object.entries(USE_SETTINGS) as [keyof Uses, Readonly<Record<string, string>>][]) {
    const known = values[use] as Readonly<Record<string, V | undefined>> | undefined;
    if (!known || declaration.uses[use] === undefined) continue;
    for (const [name, field] of Object.entries(settings)) {
      const value = known[field];
      if (wanted.has(name) && value !== undefined) environment[name] = value;
    }
  }
  return environment;
}
