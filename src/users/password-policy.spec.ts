import type { AppConfig } from '../config/app-config';
import { ValidationError } from '../common/errors/domain-error';
import { commonPasswordCount } from './common-passwords';
import { PasswordPolicy } from './password-policy';

const policy = new PasswordPolicy({ passwordMinLength: 15 } as AppConfig);

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as ValidationError).code;
  }
}

describe('PasswordPolicy', () => {
  it('accepts a long passphrase with no composition rules', () => {
    expect(
      codeOf(() => policy.assertAcceptable('all lower case words here', 'alice')),
    ).toBeUndefined();
  });

  it('rejects a password shorter than the minimum, counted in code points', () => {
    expect(codeOf(() => policy.assertAcceptable('short-password', 'alice'))).toBe(
      'PASSWORD_TOO_SHORT',
    );
    // 15 emoji are 30 UTF-16 units but 15 characters: accepted.
    expect(codeOf(() => policy.assertAcceptable('😀'.repeat(15), 'alice'))).toBeUndefined();
    expect(codeOf(() => policy.assertAcceptable('😀'.repeat(14), 'alice'))).toBe(
      'PASSWORD_TOO_SHORT',
    );
  });

  it('rejects a password over 128 characters', () => {
    expect(codeOf(() => policy.assertAcceptable('x'.repeat(129), 'alice'))).toBe(
      'PASSWORD_TOO_LONG',
    );
  });

  it('rejects a password that contains the username in any case or width', () => {
    expect(codeOf(() => policy.assertAcceptable('my name is ALICE, ok?', 'alice'))).toBe(
      'PASSWORD_CONTAINS_USERNAME',
    );
    expect(codeOf(() => policy.assertAcceptable('my name is ＡＬＩＣＥ, ok?', 'alice'))).toBe(
      'PASSWORD_CONTAINS_USERNAME',
    );
  });

  it('rejects a password from the common/breached list, in any case', () => {
    const lenient = new PasswordPolicy({ passwordMinLength: 8 } as AppConfig);
    expect(codeOf(() => lenient.assertAcceptable('password1', 'alice'))).toBe(
      'PASSWORD_TOO_COMMON',
    );
    expect(codeOf(() => lenient.assertAcceptable('QWERTYUIOP', 'alice'))).toBe(
      'PASSWORD_TOO_COMMON',
    );
    expect(codeOf(() => lenient.assertAcceptable('uncommon-horse-9', 'alice'))).toBeUndefined();
  });

  it('bundles at least 10,000 common passwords', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it('names the field and the rule in the error', () => {
    try {
      policy.assertAcceptable('short', 'alice');
      fail('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).options.errors).toEqual([
        { field: 'new_password', messages: ['Password must be at least 15 characters'] },
      ]);
    }
  });
});
