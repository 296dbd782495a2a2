import { DomainError, ErrorKind } from '../common/errors/domain-error';

export enum UserErrorCode {
  UserNotFound = 'USER_NOT_FOUND',
  UsernameTaken = 'USERNAME_TAKEN',
  LastAdmin = 'LAST_ADMIN',
}

const CATALOGUE: Record<UserErrorCode, [ErrorKind, string]> = {
  [UserErrorCode.UserNotFound]: [ErrorKind.NotFound, 'User not found'],
  [UserErrorCode.UsernameTaken]: [
    ErrorKind.Conflict,
    'A user with this username, or one that looks the same, already exists',
  ],
  [UserErrorCode.LastAdmin]: [
    ErrorKind.Conflict,
    'The last active administrator cannot be disabled or demoted',
  ],
};

export class UserError extends DomainError {
  constructor(code: UserErrorCode, detail?: string) {
    const [kind, title] = CATALOGUE[code];
    super(kind, code, title, { detail });
  }
}
