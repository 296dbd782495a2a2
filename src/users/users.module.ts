import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { AuditCoreModule } from '../audit/audit-core.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { UserSessionsController } from './user-sessions.controller';
import { UsersController } from './users.controller';
import { UsersCoreModule } from './users-core.module';

type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];

/** Users over HTTP, and the bootstrap administrator of a serving instance. */
@Module({})
export class UsersModule {
  /**
   * `securityStates` exports UserSecurityStates (the lockout and second factors of accounts): features that build
   * on users provide it, so the application passes it in rather than users importing them.
   */
  static register(securityStates: ModuleImport): DynamicModule {
    return {
      module: UsersModule,
      imports: [UsersCoreModule, AuditCoreModule, securityStates],
      controllers: [UsersController, UserSessionsController],
      providers: [AdminBootstrapService],
      exports: [UsersCoreModule],
    };
  }
}
