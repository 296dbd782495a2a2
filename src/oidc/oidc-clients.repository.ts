import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { OidcClient } from './entities/oidc-client.entity';

@Injectable()
export class OidcClientsRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async insert(client: OidcClient): Promise<void> {
    await (await this.unitOfWork.manager()).insert(OidcClient, client);
  }

  findById(id: string): Promise<OidcClient | null> {
    return this.unitOfWork.join(async () =>
      (await this.unitOfWork.manager()).findOneBy(OidcClient, { id }),
    );
  }

  async list(): Promise<OidcClient[]> {
    return (await this.unitOfWork.manager()).find(OidcClient, { order: { createdAt: 'ASC' } });
  }

  async save(client: OidcClient): Promise<void> {
    await (await this.unitOfWork.manager()).save(OidcClient, client);
  }

  async delete(id: string): Promise<boolean> {
    const result = await (await this.unitOfWork.manager()).delete(OidcClient, { id });
    return result.affected === 1;
  }
}
