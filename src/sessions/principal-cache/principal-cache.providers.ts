import type { Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { LivePrincipals } from './live-principals';
import { PrincipalCache } from './principal-cache';
import { PrincipalCacheFeed } from './principal-cache-feed';
import { PrincipalChanges } from './principal-changes';

/** The principal cache of a serving instance, sized and bounded by configuration. */
export const PRINCIPAL_CACHE_PROVIDERS: Provider[] = [
  {
    provide: PrincipalCache,
    inject: [AppConfig],
    useFactory: (config: AppConfig) =>
      new PrincipalCache(config.principalCacheSize, config.principalCacheMaxAgeMs),
  },
  PrincipalCacheFeed,
  PrincipalChanges,
  LivePrincipals,
];

/**
 * For a process that serves no requests (the CLI): its writes still go through PrincipalChanges, but it keeps
 * nothing and listens to nothing; serving instances learn of its writes from the database.
 */
export const NO_PRINCIPAL_CACHE_PROVIDERS: Provider[] = [
  { provide: PrincipalCache, useValue: new PrincipalCache(0, 0) },
  PrincipalCacheFeed,
  PrincipalChanges,
  LivePrincipals,
];
