import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { User } from './entities/user.entity';

@Injectable()
export class UsersRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async findById(id: string): Promise<User | null> {
    return (await this.unitOfWork.manager()).findOneBy(User, { id });
  }

  async findByUsername(username: string): Promise<User | null> {
    return (await this.unitOfWork.manager()).findOneBy(User, { username });
  }

  async count(): Promise<number> {
    return (await this.unitOfWork.manager()).count(User);
  }

  async insert(user: User): Promise<void> {
    await (await this.unitOfWork.manager()).insert(User, user);
  }

  async update(id: string, changes: Partial<Omit<User, 'id'>>): Promise<void> {
    await (await this.unitOfWork.manager()).update(User, { id }, changes);
  }
}
