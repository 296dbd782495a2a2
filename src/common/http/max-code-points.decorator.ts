import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A string of at most `max` code points after NFKC, the form passwords are hashed in. Counting code
 * points (not UTF-16 units) is what NIST SP 800-63B means by characters; refusing longer input here, in
 * validation, means it is rejected with 400 before anything is hashed.
 */
export function MaxCodePoints(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxCodePoints',
      constraints: [max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && [...value.normalize('NFKC')].length <= max,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} characters`,
      },
    },
    options,
  );
}
