import type { Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { LivePrincipals } from './live-principals';
import { PrincipalCache } from './principal-cache';
import { PrincipalCacheFeed } from './principal-cache-feed';
import { PrincipalCacheInvalidator } from './principal-cache-invalidator';
import { SessionUseRecorder } from '../session-use/session-use-recorder';

/** The principal cache of a serving instance, sized and bounded by configuration. */
export const PRINCIPAL_CACHE_PROVIDERS: Provider[] = [
  {
    provide: PrincipalCache,
    inject: [AppConfig],
    useFactory: (config: AppConfig) =>
      new PrincipalCache(config.principalCacheSize, config.principalCacheMaxAgeMs),
  },
  PrincipalCacheFeed,
  PrincipalCacheInvalidator,
  LivePrincipals,
  SessionUseRecorder,
];
