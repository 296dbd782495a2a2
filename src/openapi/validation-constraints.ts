import { getMetadataStorage } from 'class-validator';
import { requiresNonEmptyBody } from '../common/http/non-empty-body.decorator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { Document, Operation, Schema } from './openapi-types';
import { resolveSchema } from './openapi-types';

type Constraint = (schema: Schema, metadata: ValidationMetadata) => void;

/**
 * class-validator rules as JSON Schema keywords, so the document states what the validation pipe enforces
 * (lengths, patterns, integer and UUID types, ranges) from the DTOs themselves. Rules without a keyword
 * (a password policy, a username's confusables) stay in prose.
 */
const CONSTRAINTS: Record<string, Constraint> = {
  maxLength: (schema, { constraints }) => {
    schema.maxLength = constraints[0] as unknown;
  },
  minLength: (schema, { constraints }) => {
    schema.minLength = constraints[0] as unknown;
  },
  isLength: (schema, { constraints }) => {
    schema.minLength = constraints[0] as unknown;
    if (constraints[1] !== undefined) schema.maxLength = constraints[1] as unknown;
  },
  // Code points after NFKC: JSON Schema's maxLength counts code points too.
  maxCodePoints: (schema, { constraints }) => {
    schema.maxLength = constraints[0] as unknown;
  },
  isNotEmpty: (schema) => {
    if (schema.type === 'string') schema.minLength = Math.max(1, Number(schema.minLength ?? 0));
  },
  matches: (schema, { constraints }) => {
    schema.pattern = (constraints[0] as RegExp).source;
  },
  isInt: (schema) => {
    schema.type = 'integer';
  },
  min: (schema, { constraints }) => {
    schema.minimum = constraints[0] as unknown;
  },
  max: (schema, { constraints }) => {
    schema.maximum = constraints[0] as unknown;
  },
  isUuid: (schema) => {
    schema.format = 'uuid';
  },
  isIso8601: (schema) => {
    schema.format = 'date-time';
  },
  arrayMaxSize: (schema, { constraints }) => {
    schema.maxItems = constraints[0] as unknown;
  },
};

function apply(schema: Schema, rules: ValidationMetadata[]): void {
  for (const rule of rules) {
    const key = rule.type === 'customValidation' ? rule.name : rule.type;
    const target = rule.each && schema.type === 'array' ? (schema.items as Schema) : schema;
    if (key !== undefined && target !== undefined) CONSTRAINTS[key]?.(target, rule);
  }
}

function rulesOf(type: object): Record<string, ValidationMetadata[]> {
  const storage = getMetadataStorage();
  const rules = storage.getTargetValidationMetadatas(type as () => void, '', true, false);
  return storage.groupByPropertyName(rules);
}

/**
 * For each DTO a handler takes (body or query class), writes its validation rules into the body's schema
 * component and into the query parameters of the same name.
 */
export function applyValidationConstraints(
  document: Document,
  operation: Operation,
  parameterTypes: unknown[],
): void {
  for (const type of parameterTypes) {
    if (typeof type !== 'function') continue;
    const byProperty = rulesOf(type);
    if (Object.keys(byProperty).length === 0) continue;
    const component = document.components?.schemas?.[type.name] as Schema | undefined;
    if (component && requiresNonEmptyBody(type)) component.minProperties = 1;
    const properties = (component?.properties ?? {}) as Record<string, Schema>;
    for (const [property, rules] of Object.entries(byProperty)) {
      if (properties[property]) apply(resolveSchema(document, properties[property])!, rules);
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.name === property && parameter.schema) {
          apply(parameter.schema, rules);
        }
      }
    }
  }
}
