import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidatorOptions } from 'class-validator';
import { ValidationError, type FieldError } from '../errors/domain-error';
import { assertNonEmptyBody } from './non-empty-body.decorator';

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

const NOT_WELL_FORMED = 'must be well-formed Unicode text (no lone surrogates)';

/**
 * The paths of every string (value or key) in a parsed body, query or parameter that is not well-formed
 * UTF-16: JSON's `"\ud800"` parses to a lone surrogate, which no database stores as given (each replaces it,
 * so a hash or comparison made on the value in memory no longer matches the row) and no UTF-8 output can
 * carry. Iterative, so a deeply nested body cannot exhaust the stack here.
 */
function malformedFields(value: unknown): string[] {
  const found: string[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (!item.isWellFormed()) found.push(path || 'value');
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const childPath = path ? `${path}.${key}` : key;
        if (!key.isWellFormed()) found.push(childPath);
        pending.push([child, childPath]);
      }
    }
  }
  return found;
}

function assertWellFormed(value: unknown): void {
  const fields = malformedFields(value);
  if (fields.length === 0) return;
  throw toValidationError(
    fields
      .map((field) => field.toWellFormed())
      .map((field) => ({
        property: field,
        constraints: { isWellFormed: `${field} ${NOT_WELL_FORMED}` },
        children: [],
      })),
  );
}

/**
 * The global pipe: every body, query string and route parameter must be well-formed text (whatever the DTO
 * says, so no new field can forget it); unknown fields are an error (no mass assignment); failures list every
 * field.
 */
class AegisValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') assertWellFormed(value);
    if (metadata.type === 'body') assertNonEmptyBody(metadata.metatype, value);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AegisValidationPipe({
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
  assertWellFormed(body);
  const instance = plainToInstance(type, body ?? {});
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw toValidationError(errors);
  return instance;
}
