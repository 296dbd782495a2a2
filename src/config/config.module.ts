import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PasswordHashingConfig } from '../common/crypto/password-hashing-config';
import { AppConfig } from './app-config';

/**
 * Makes the one validated {@link AppConfig} injectable everywhere, also under the tokens by which the shared
 * infrastructure below the configuration asks for its part of it.
 */
@Global()
@Module({
  providers: [
    {
      provide: PasswordHashingConfig,
      useFactory: (config: AppConfig): PasswordHashingConfig => config,
      inject: [AppConfig],
    },
  ],
  exports: [PasswordHashingConfig],
})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.jwt.keySource === 'pending') {
      // Signing with the placeholder key would work until the next restart, then log everyone out.
      throw new Error(
        'JWT_SECRET is unset: call resolveDevelopmentSecrets(config) before building the app',
      );
    }
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
