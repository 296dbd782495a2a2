import { OAUTH_TOKEN_ENDPOINT } from '../auth/decorators/oauth-token-endpoint.decorator';
import type { Document, Json, Operation } from './openapi-types';
import type { RouteHandler } from './route-catalogue';

/** The statuses an OAuth2 token request is refused with (see oauthTokenErrorOf). */
const OAUTH_STATUSES = ['400', '429'];

/** On OAuth2 token endpoints, 400 and 429 may also be RFC 6749 §5.2 JSON (the form request with grant_type). */
export function applyOAuthTokenErrors(document: Document, operations: [Operation, RouteHandler][]) {
  const responses = (document.components?.responses ?? {}) as unknown as Record<string, Json>;
  for (const [operation, route] of operations) {
    if (Reflect.getMetadata(OAUTH_TOKEN_ENDPOINT, route.handler) !== true) continue;
    for (const status of OAUTH_STATUSES) {
      let response = operation.responses[status];
      if (!response) continue;
      if (typeof response.$ref === 'string') {
        response = structuredClone(responses[response.$ref.split('/').pop()!]);
        operation.responses[status] = response;
      }
      response.description = `${String(response.description)}. An OAuth2 token request (the form with \`grant_type\`) gets the RFC 6749 §5.2 JSON body instead.`;
      (response.content as Json)['application/json'] = {
        schema: { $ref: '#/components/schemas/OAuthTokenError' },
      };
    }
  }
}
