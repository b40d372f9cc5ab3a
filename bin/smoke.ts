/**
 * The deployment smoke test: `npm run smoke -- --api <base URL>`, the black-box journey of the
 * end-to-end tests against a deployed (or local) API. Exit 0 when every step passed, 1 with the
 * step and what came back when one did not.
 *
 *   --api <url>                    the API's base URL (the stack's ApiUrl output)
 *   --token <jwt>                  sign in with this bearer token (or SMOKE_TOKEN), e.g. one `npm start` prints
 *   --user-pool <id> --client <id> sign in to Cognito with SRP as SMOKE_USERNAME / SMOKE_PASSWORD
 *                                  (the stack's UserPoolId and UserPoolClientId outputs)
 *
 * Without a token or credentials only the routes that need none are checked.
 */
import { parseArgs } from 'node:util';
import { runJourney, SmokeFailure } from '#lib/smoke/journey.js';
import { cognitoSrpSignIn } from '#lib/smoke/cognito-srp.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { api: { type: 'string' }, token: { type: 'string' }, 'user-pool': { type: 'string' }, client: { type: 'string' } },
  });
  if (!values.api) throw new SmokeFailure('--api <base URL> is required');
  let token = values.token ?? process.env.SMOKE_TOKEN;
  if (!token && values['user-pool'] && values.client) {
    const { SMOKE_USERNAME: username, SMOKE_PASSWORD: password } = process.env;
    if (username && password) {
      token = await cognitoSrpSignIn({ userPoolId: values['user-pool'], clientId: values.client, username, password });
      console.log(`Signed in to ${values['user-pool']} as ${username}`);
    }
  }
  await runJourney({ api: values.api, ...(token ? { token } : {}) });
  console.log('Smoke test passed');
}

main().catch((error: unknown) => {
  console.error(`Smoke test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
