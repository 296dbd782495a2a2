import { ValidationError } from '../common/errors/domain-error';
import { newTestService } from '../../test/support/test-service';
import { AuditQueryService } from './audit-query.service';
import { AuditRepository } from './audit.repository';
import type { AuditEvent } from './entities/audit-event.entity';

const eventsFrom = (first: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ seq: first + index }) as AuditEvent);

describe('AuditQueryService', () => {
  const { service, double } = newTestService(AuditQueryService);
  const { eventsAfter, search } = double(AuditRepository);

  beforeEach(() => jest.resetAllMocks());

  it('exports batch by batch, reading the next one only when the consumer asks for it', async () => {
    eventsAfter
      .mockResolvedValueOnce(eventsFrom(1, 1_000))
      .mockResolvedValueOnce(eventsFrom(1_001, 1_000))
      .mockResolvedValueOnce(eventsFrom(2_001, 5));
    const range = { from: new Date('2025-01-01T00:00:00Z') };
    const batches = await service.export(range);
    expect(eventsAfter).toHaveBeenCalledTimes(1);
    expect(eventsAfter).toHaveBeenLastCalledWith(0, 1_000, range);

    expect((await batches.next()).value).toHaveLength(1_000);
    expect(eventsAfter).toHaveBeenCalledTimes(1);
    expect((await batches.next()).value).toHaveLength(1_000);
    expect(eventsAfter).toHaveBeenLastCalledWith(1_000, 1_000, range);
    expect((await batches.next()).value).toHaveLength(5);
    expect(eventsAfter).toHaveBeenLastCalledWith(2_000, 1_000, range);
    expect((await batches.next()).done).toBe(true);
    expect(eventsAfter).toHaveBeenCalledTimes(3);
  });

  it('pages newest first and hands back the last seq of a full page as the cursor', async () => {
    search.mockResolvedValueOnce(eventsFrom(1, 4).reverse());
    expect(await service.search({}, 3)).toEqual({
      events: eventsFrom(2, 3).reverse(),
      nextCursor: 2,
    });
    expect(search).toHaveBeenCalledWith({}, 4);
    search.mockResolvedValueOnce(eventsFrom(1, 1));
    expect((await service.search({ beforeSeq: 2 }, 3)).nextCursor).toBeNull();
  });

  it('refuses a range that ends before it starts', async () => {
    const range = { from: new Date('2025-06-02'), to: new Date('2025-06-01') };
    await expect(service.search(range, 10)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.export(range)).rejects.toBeInstanceOf(ValidationError);
    expect(search).not.toHaveBeenCalled();
    expect(eventsAfter).not.toHaveBeenCalled();
  });
});
