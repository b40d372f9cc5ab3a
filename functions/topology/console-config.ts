/**
 * What the web console is told at run time (`/config.json` beside its files), so one build of
 * `web/` serves both modes: `npm start` answers it from the local gateway, the CDK stack writes it
 * into the console's bucket from the deployed API, user pool and live endpoint.
 */
import * as z from 'zod';

export const ConsoleConfig = z
  .object({
    /** Base URL of the HTTP API, without a trailing slash (the same origin locally). */
    apiUrl: z.string().url(),
    /** WebSocket URL of the live feed (offers, new cases, SLA changes, comments); null while there is none. */
    liveUrl: z.string().url().nullable(),
    auth: z
      .object({
        /** OIDC authority: the Cognito user pool's issuer in AWS, the dev issuer's OIDC endpoints locally. */
        authority: z.string().url(),
        /** A public app client: authorization code with PKCE, no secret. */
        clientId: z.string().min(1),
        scope: z.string().min(1),
        /**
         * Where signing out ends the provider's own session when its discovery document names no
         * end_session_endpoint: Cognito's `/logout` on the sign-in domain, which the console calls with
         * `client_id` and `logout_uri` (its origin + CONSOLE_SIGN_OUT_PATH, registered on the app client).
         * Absent: the discovery's end_session_endpoint (the local dev issuer has one), else only the tab's tokens go.
         */
        logoutUrl: z.string().url().optional(),
      })
      .strict(),
  })
  .strict();
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

export const CONSOLE_CONFIG_PATH = '/config.json';

export { CONSOLE_ASSETS_DIR, CONSOLE_SCOPES, CONSOLE_SIGN_IN_CALLBACK_PATH, CONSOLE_SIGN_OUT_PATH } from './console-paths.js';
