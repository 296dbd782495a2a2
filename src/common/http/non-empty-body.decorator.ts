import { getMetadataStorage } from 'class-validator';
import { ValidationError } from '../errors/domain-error';

const NON_EMPTY_BODY = 'aegis:nonEmptyBody';

/**
 * A body of this DTO must carry at least one field (a change with nothing to change is a mistake): refused by
 * the validation pipe, and `minProperties: 1` in the OpenAPI document.
 */
export const NonEmptyBody = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(NON_EMPTY_BODY, true, target);
};

export function requiresNonEmptyBody(type: unknown): boolean {
  return typeof type === 'function' && Reflect.getMetadata(NON_EMPTY_BODY, type) === true;
}

/** Throws when a @NonEmptyBody() DTO arrives without any field, naming the fields it accepts. */
export function assertNonEmptyBody(type: unknown, value: unknown): void {
  if (!requiresNonEmptyBody(type)) return;
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) return;
  const storage = getMetadataStorage();
  const fields = Object.keys(
    storage.groupByPropertyName(
      storage.getTargetValidationMetadatas(type as () => void, '', true, false),
    ),
  );
  const list =
    fields.length > 1 ? `${fields.slice(0, -1).join(', ')} or ${fields.at(-1)}` : fields.join('');
  throw new ValidationError(`Nothing to change: send ${list}`);
}
