import { DomainError, ErrorKind } from '../common/errors/domain-error';

export enum OidcErrorCode {
  ClientNotFound = 'OIDC_CLIENT_NOT_FOUND',
  InvalidClientMetadata = 'OIDC_INVALID_CLIENT_METADATA',
  InteractionNotFound = 'OIDC_INTERACTION_NOT_FOUND',
}

const CATALOGUE: Record<OidcErrorCode, [ErrorKind, string]> = {
  [OidcErrorCode.ClientNotFound]: [ErrorKind.NotFound, 'OpenID Connect client not found'],
  [OidcErrorCode.InvalidClientMetadata]: [ErrorKind.Invalid, 'Invalid client registration'],
  [OidcErrorCode.InteractionNotFound]: [
    ErrorKind.NotFound,
    'This sign-in request has expired or is unknown',
  ],
};

export class OidcError extends DomainError {
  /** `field`: the client metadata field the detail is about (listed in the body's `errors`). */
  constructor(code: OidcErrorCode, detail?: string, field?: string) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, {
      detail,
      ...(field !== undefined && { errors: [{ field, messages: [detail ?? title] }] }),
    });
  }
}
