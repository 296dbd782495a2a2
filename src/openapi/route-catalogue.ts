import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A route handler as Nest registered it, found again by the key the document's operations are built with. */
export interface RouteHandler {
  controller: Type;
  handler: object;
  methodName: string;
  method: string;
}

/** The key Swagger's operationIdFactory is given, so an operation can be traced back to its handler. */
export const routeKey = (controllerName: string, methodName: string) =>
  `${controllerName}.${methodName}`;

/** Every handler of every controller in the application, by {@link routeKey}. */
export function routeHandlers(app: NestFastifyApplication): Map<string, RouteHandler> {
  const handlers = new Map<string, RouteHandler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const methodName of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[methodName];
        if (methodName === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        handlers.set(routeKey(controller.name, methodName), {
          controller,
          handler,
          methodName,
          method: RequestMethod[method],
        });
      }
    }
  }
  return handlers;
}
