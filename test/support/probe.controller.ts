import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Authenticated } from '../../src/common/access/authenticated.decorator';
import { CurrentPrincipal } from '../../src/common/access/current-principal.decorator';
import { Public } from '../../src/common/access/public.decorator';
import type { Principal } from '../../src/common/access/principal';
import { Role } from '../../src/common/access/role';
import { Transactional } from '../../src/database/transaction-mode.decorator';

/**
 * Routes that exist only in the e2e tests, to exercise the global guards the way later features will:
 * an ordinary authenticated route, an admin route, an undecorated route (deny by default) and a crash.
 */
// Test-only routes: not part of the API, so not in the document.
@ApiExcludeController()
@Controller('test-probe')
export class ProbeController {
  @Get('whoami')
  @Authenticated()
  whoami(@CurrentPrincipal() principal: Principal) {
    return { user_id: principal.user.id, session_id: principal.session.id };
  }

  @Post('write')
  @Transactional()
  @HttpCode(200)
  @Authenticated()
  write() {
    return { ok: true };
  }

  @Get('admin')
  @Authenticated({ roles: [Role.Admin] })
  admin() {
    return { ok: true };
  }

  @Get('undecorated')
  undecorated() {
    return { ok: true };
  }

  @Get('crash')
  @Public()
  crash(): never {
    throw new Error('SELECT secret FROM vault /srv/aegis/internal.ts:42');
  }
}
