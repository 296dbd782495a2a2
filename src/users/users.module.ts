import { Module } from '@nestjs/common';
import { AuditCoreModule } from '../audit/audit-core.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { UserSessionsController } from './user-sessions.controller';
import { UsersController } from './users.controller';
import { UsersCoreModule } from './users-core.module';

/** Users over HTTP, and the bootstrap administrator of a serving instance. */
@Module({
  imports: [UsersCoreModule, AuditCoreModule],
  controllers: [UsersController, UserSessionsController],
  providers: [AdminBootstrapService],
  exports: [UsersCoreModule],
})
export class UsersModule {}
