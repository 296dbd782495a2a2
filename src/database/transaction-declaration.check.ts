import { Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { TRANSACTION_MODE } from './transaction-mode.decorator';

/** Methods that by HTTP's own rules change nothing; every other route must say whether it is transactional. */
const SAFE_METHODS = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

/**
 * Refuses to start when a state-changing route declares neither `@Transactional()` nor `@ReadOnly()`: a
 * forgotten declaration would let a change commit without its audit row.
 */
@Injectable()
export class TransactionDeclarationCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const undeclared = this.undeclaredRoutes();
    if (undeclared.length > 0) {
      throw new Error(
        `State-changing routes must declare @Transactional() or @ReadOnly(): ${undeclared.join(', ')}`,
      );
    }
  }

  undeclaredRoutes(): string[] {
    const undeclared: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      const metatype = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!instance || !metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (method === undefined || SAFE_METHODS.has(method)) continue;
        if (this.reflector.getAllAndOverride(TRANSACTION_MODE, [handler, metatype]) !== undefined)
          continue;
        const path = this.reflector.get<string | undefined>(PATH_METADATA, handler) ?? '';
        undeclared.push(`${RequestMethod[method]} ${path} (${metatype.name}.${name})`);
      }
    }
    return undeclared;
  }
}
