import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../common/access/public.decorator';
import { ReadOnly } from '../database/transaction-mode.decorator';
import { PASSKEY_PAGE_SCRIPTS } from './pages/code.page';
import { PASSKEY_STEP_SCRIPT } from './pages/passkey-step.script';

const [LIBRARY, BUTTON] = PASSKEY_PAGE_SCRIPTS;
const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * The scripts the hosted sign-in pages may run (their CSP allows this path of their own origin and nothing
 * else): @simplewebauthn/browser's self-contained bundle (it defines `SimpleWebAuthnBrowser`), read once, and
 * the passkey button's script. Any other name under /oidc/assets is the provider's (a 404 there).
 */
@ApiExcludeController()
@Controller('oidc/assets')
@Public()
export class SignInAssetsController {
  private library?: string;

  @Get(LIBRARY)
  @ReadOnly()
  @Header('content-type', JAVASCRIPT)
  webauthnLibrary(): string {
    return (this.library ??= readFileSync(
      join(
        dirname(require.resolve('@simplewebauthn/browser')),
        '..',
        'dist',
        'bundle',
        'index.umd.min.js',
      ),
      'utf8',
    ));
  }

  @Get(BUTTON)
  @ReadOnly()
  @Header('content-type', JAVASCRIPT)
  passkeyButton(): string {
    return PASSKEY_STEP_SCRIPT;
  }
}
