/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles, and only
 * there (the bundling alias in lib/constructs/caseway-function.ts; nothing imports
 * this module by name). In Lambda the execution role's credentials are always in the
 * environment, and the SDK's default chain takes them from there first; the chain's
 * other links (SSO, shared ini files, credential processes, web identity, container
 * and instance metadata) are never reached, yet bundled they weigh about 130 KiB,
 * with the STS, SSO and SSO-OIDC clients, in every function. Taking the environment
 * link alone keeps what the chain does in Lambda and drops what it cannot do there.
 * (The SDK cannot tree-shake the chain even when a client is given credentials:
 * aws/aws-sdk-js-v3#5516 asks for exactly this for Lambda.)
 *
 * The local platform runs the source, so it keeps the whole chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The default chain's signature: every client's runtime configuration calls it with its options. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
