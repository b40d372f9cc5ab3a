/**
 * The live WebSocket's routes, `$connect`, `$disconnect` and `$default`, in one thin
 * handler. A connection is accepted unauthenticated (browsers cannot send headers on
 * a WebSocket) and receives nothing until its first message authenticates it with an
 * ID token, verified as strictly as the HTTP API's JWT authorizer does.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { config, tokenConfig } from '../config.js';
import { livePusher } from '#adapters/live-push.js';
import { createTokenVerifier, keysFrom } from '#http/token-verifier.js';
import { logger } from '../observability.js';
import { onClientMessage, onDisconnect, type LiveDeps } from '#services/live.js';

let deps: LiveDeps | undefined;

function dependencies(): LiveDeps {
  if (deps) return deps;
  const settings = config();
  const live = tokenConfig();
  const verify = createTokenVerifier({
    issuer: live.TOKEN_ISSUER,
    audience: live.TOKEN_AUDIENCE,
    keys: keysFrom({ ...(live.TOKEN_JWKS_URL ? { url: live.TOKEN_JWKS_URL } : {}), ...(live.TOKEN_JWKS ? { jwks: live.TOKEN_JWKS } : {}) }),
    callerSettings: {
      rolesClaim: settings.ROLES_CLAIM,
      roleMapping: settings.ROLE_MAPPING,
      ...(settings.TEAMS_CLAIM ? { teamsClaim: settings.TEAMS_CLAIM } : {}),
      teamGroups: settings.TEAM_GROUPS,
    },
  });
  deps = { pusher: livePusher(), verify, now: Date.now };
  return deps;
}

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  const { routeKey, connectionId } = event.requestContext;
  logger.appendKeys({ connectionId, routeKey });
  switch (routeKey) {
    case '$connect':
      return { statusCode: 200 };
    case '$disconnect':
      await onDisconnect(connectionId);
      return { statusCode: 200 };
    default:
      await onClientMessage(connectionId, event.body, dependencies());
      return { statusCode: 200 };
  }
}
