import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ValidationError } from '../common/errors/domain-error';
import { isCommonPassword } from './common-passwords';

export const PASSWORD_MAX_LENGTH = 128;

/** The rules' codes and messages: what a refusal says, and what the OpenAPI document lists. */
const RULES = {
  PASSWORD_TOO_SHORT: (min: number) => `Password must be at least ${min} characters`,
  PASSWORD_TOO_LONG: () => `Password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  PASSWORD_CONTAINS_USERNAME: () => 'Password must not contain the username',
  PASSWORD_TOO_COMMON: () => 'Password is on a list of common or breached passwords',
} satisfies Record<string, (min: number) => string>;

type PasswordRule = keyof typeof RULES;

function policyError(code: PasswordRule, minLength: number, field: string): ValidationError {
  const message = RULES[code](minLength);
  return new ValidationError(message, [{ field, messages: [message] }], code);
}

/** Every refusal of the policy (at the default minimum length), for API documentation. */
export const PASSWORD_POLICY_ERRORS: ValidationError[] = (Object.keys(RULES) as PasswordRule[]).map(
  (code) => policyError(code, 15, 'new_password'),
);

/**
 * NIST SP 800-63B-4 for single-factor passwords: a minimum length (default 15), a generous maximum,
 * no composition rules, and no password from a list of common or breached ones.
 * Lengths are code points after NFKC, the form that is hashed. One policy for create, reset and change.
 */
@Injectable()
export class PasswordPolicy {
  private readonly minLength: number;

  constructor(config: AppConfig) {
    this.minLength = config.passwordMinLength;
  }

  /** Throws a 400-mapped error naming the broken rule. */
  assertAcceptable(password: string, username: string, field = 'new_password'): void {
    const normalized = password.normalize('NFKC');
    const length = [...normalized].length;
    const fail = (code: PasswordRule): never => {
      throw policyError(code, this.minLength, field);
    };
    if (length < this.minLength) fail('PASSWORD_TOO_SHORT');
    if (length > PASSWORD_MAX_LENGTH) fail('PASSWORD_TOO_LONG');
    const lower = normalized.toLowerCase();
    if (lower.includes(username.normalize('NFKC').toLowerCase()))
      fail('PASSWORD_CONTAINS_USERNAME');
    if (isCommonPassword(lower)) fail('PASSWORD_TOO_COMMON');
  }
}
