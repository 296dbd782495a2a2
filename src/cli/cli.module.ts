import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { PasswordHashingConfig } from '../common/crypto/password-hashing-config';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { EventsModule } from '../events/events.module';
import { CliCommandsModule } from './cli-commands.module';

/** Stands in for the configuration in a graph that is only read, never started. */
@Global()
@Module({
  providers: [
    { provide: AppConfig, useValue: null },
    { provide: PasswordHashingConfig, useValue: null },
  ],
  exports: [AppConfig, PasswordHashingConfig],
})
class UnconfiguredModule {}

/**
 * What the operator commands use, and nothing else: the database (migrated as the service would), the event bus
 * (its writes reach serving instances through the database; listeners here are those of the core modules, such
 * as the login challenge ending with a user's factors) and the commands with
 * the features' core modules. Not the feature modules: those bring controllers, guards, the login throttler,
 * Redis, purge and audit timers, and the bootstrap administrator (the CLI is the tool for when that went wrong).
 */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return CliModule.with(ConfigModule.forRoot(config));
  }

  /**
   * The same module graph without configuration, for a preview context that only lists the commands: usage and
   * option errors need no environment and touch no database.
   */
  static graph(): DynamicModule {
    return CliModule.with(UnconfiguredModule);
  }

  private static with(config: DynamicModule | typeof UnconfiguredModule): DynamicModule {
    return {
      module: CliModule,
      imports: [config, CommonModule, DatabaseModule, EventsModule, CliCommandsModule],
    };
  }
}
