/**
 * The console's fixed paths and scopes, shared by the CDK stack, the local host and the browser build.
 * Kept apart from console-config.ts so the browser imports them without zod.
 */
/**
 * Where the identity provider sends the browser back after sign-in and after sign-out, relative to the
 * console's origin. The console builds its redirect_uri from these, and the Cognito app client registers
 * exactly these URLs: the two must agree character for character.
 */
export const CONSOLE_SIGN_IN_CALLBACK_PATH = '/auth/callback';
export const CONSOLE_SIGN_OUT_PATH = '/';
/**
 * Where the build puts its content-hashed files (Vite's `build.assetsDir`). Not `assets`: locally the
 * console shares its origin with the API, whose `GET /assets/{id}` would win. In AWS these are the
 * files served `immutable`; the synth fails if a build has no such directory.
 */
export const CONSOLE_ASSETS_DIR = 'static';
/** What the console asks for: an ID token (openid) with the caller's e-mail and name. */
export const CONSOLE_SCOPES = ['openid', 'email', 'profile'] as const;
