import { Controller, Delete, Get, Patch, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TransactionDeclarationCheck } from './transaction-declaration.check';
import { ReadOnly, Transactional } from './transaction-mode.decorator';
import { UnitOfWork } from './unit-of-work';

@Controller('declared')
class DeclaredController {
  @Get() list() {}
  @Post() @Transactional() create() {}
  @Post('search') @ReadOnly() search() {}
}

@Controller('undeclared')
class UndeclaredController {
  @Get() list() {}
  @Delete(':id') remove() {}
  @Patch(':id') @Transactional() update() {}
}

@Controller('class-level')
@Transactional()
class ClassLevelController {
  @Post() create() {}
}

async function start(...controllers: Array<new () => object>) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers,
    // @Transactional() binds the unit-of-work interceptor, which needs one (never called here).
    providers: [TransactionDeclarationCheck, { provide: UnitOfWork, useValue: {} }],
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

describe('TransactionDeclarationCheck', () => {
  it('lets an app start when every state-changing route declares its transaction mode', async () => {
    await expect(start(DeclaredController, ClassLevelController)).resolves.toBeUndefined();
  });

  it('refuses to start, naming the route, when a DELETE declares neither (a GET may stay silent)', async () => {
    await expect(start(DeclaredController, UndeclaredController)).rejects.toThrow(
      'State-changing routes must declare @Transactional() or @ReadOnly(): DELETE :id (UndeclaredController.remove)',
    );
  });
});
