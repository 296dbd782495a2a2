import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidatorOptions } from 'class-validator';
import { ValidationError, type FieldError } from '../errors/domain-error';

const VALIDATOR_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };

function fieldErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export function toValidationError(errors: ClassValidatorError[]): ValidationError {
  const fields = fieldErrors(errors);
  return new ValidationError(`Invalid fields: ${fields.map((f) => f.field).join(', ')}`, fields);
}

/** The global pipe: unknown fields are an error (no mass assignment), failures list every field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: toValidationError,
  });
}

/** Validates a body the same way as the global pipe, for guards that run before pipes. */
export async function validateBody<T extends object>(
  type: ClassConstructor<T>,
  body: unknown,
): Promise<T> {
  const instance = plainToInstance(type, body ?? {});
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw toValidationError(errors);
  return instance;
}
