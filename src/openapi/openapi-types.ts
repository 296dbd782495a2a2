import type { OpenAPIObject } from '@nestjs/swagger';

/** The parts of an OpenAPI 3.0 document the post-processors read and write (loosely typed on purpose). */
export type Document = OpenAPIObject;
export type Json = Record<string, unknown>;
export type Schema = Json;

export interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
  required?: boolean;
}

export interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, Json>;
  security?: Record<string, string[]>[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every operation of the document with its path and method. */
export function* operationsOf(document: Document): Generator<[string, string, Operation]> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation) yield [path, method, operation];
    }
  }
}

/** The component a `$ref` points at, or the schema itself. */
export function resolveSchema(document: Document, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name] as Schema | undefined;
}
