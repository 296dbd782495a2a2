import { newTestService } from '../../../test/support/test-service';
import { UnitOfWork } from '../../database/unit-of-work';
import { SessionsService } from '../sessions.service';
import { SessionUseRecorder } from './session-use-recorder';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function setup() {
  const { service, double } = newTestService(SessionUseRecorder);
  const sessions = double(SessionsService);
  const unitOfWork = double(UnitOfWork);
  unitOfWork.run.mockImplementation((work) => work());
  sessions.recordUse.mockImplementation(async (uses) => uses.length);
  return { recorder: service, sessions, unitOfWork };
}

describe('SessionUseRecorder', () => {
  it('writes nothing per request: many uses become one batched write of each session’s latest use', async () => {
    const { recorder, sessions, unitOfWork } = setup();
    for (let second = 0; second < 560; second++) recorder.seen('s-1', at(second % 60));
    recorder.seen('s-2', at(5));
    recorder.seen('s-1', at(3));
    expect(sessions.recordUse).not.toHaveBeenCalled();

    expect(await recorder.flush()).toBe(2);
    expect(sessions.recordUse).toHaveBeenCalledTimes(1);
    expect(sessions.recordUse).toHaveBeenCalledWith([
      { id: 's-1', at: at(59) },
      { id: 's-2', at: at(5) },
    ]);
    expect(unitOfWork.run).toHaveBeenCalledTimes(1);
  });

  it('writes a session again only when it was used since the last flush', async () => {
    const { recorder, sessions } = setup();
    recorder.seen('s-1', at(1));
    await recorder.flush();
    expect(await recorder.flush()).toBe(0);
    expect(sessions.recordUse).toHaveBeenCalledTimes(1);
    recorder.seen('s-1', at(70));
    await recorder.flush();
    expect(sessions.recordUse).toHaveBeenLastCalledWith([{ id: 's-1', at: at(70) }]);
  });

  it('keeps a batch whose write failed for the next run, without losing a later use seen meanwhile', async () => {
    const { recorder, sessions } = setup();
    recorder.seen('s-1', at(1));
    recorder.seen('s-2', at(2));
    sessions.recordUse.mockRejectedValueOnce(new Error('database down'));
    await expect(recorder.flush()).rejects.toThrow('database down');
    recorder.seen('s-2', at(90));
    await recorder.flush();
    expect(sessions.recordUse).toHaveBeenLastCalledWith([
      { id: 's-1', at: at(1) },
      { id: 's-2', at: at(90) },
    ]);
  });

  it('flushes what it holds when the application stops', async () => {
    const { recorder, sessions } = setup();
    recorder.seen('s-1', at(1));
    await recorder.onModuleDestroy();
    expect(sessions.recordUse).toHaveBeenCalledWith([{ id: 's-1', at: at(1) }]);
  });
});
