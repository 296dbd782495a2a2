import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { TransactionDeclarationCheck } from './transaction-declaration.check';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.database),
        autoLoadEntities: true,
        // Fail fast at start-up instead of retrying for half a minute with a misconfigured URL.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [UnitOfWork, TransactionDeclarationCheck],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
