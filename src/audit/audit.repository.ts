import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditEvent } from './entities/audit-event.entity';

@Injectable()
export class AuditRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async insert(event: AuditEvent): Promise<void> {
    const manager = await this.unitOfWork.manager();
    await manager.insert(AuditEvent, event);
  }
}
