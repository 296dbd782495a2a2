import { ValidationError } from '../errors/domain-error';
import { UuidParamPipe } from './uuid-param.pipe';

describe('UuidParamPipe', () => {
  const pipe = new UuidParamPipe();
  const param = (data: string) => ({ type: 'param' as const, data });

  it('passes a UUID on, in lower case (ids are stored that way)', () => {
    expect(pipe.transform('0F8FAD5B-D9CB-469F-A165-70867728950E', param('id'))).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
  });

  it('refuses anything else with a 400 naming the parameter', () => {
    for (const value of ['not-a-uuid', '0f8fad5b-d9cb-469f-a165-70867728950', '', '../users']) {
      expect(() => pipe.transform(value, param('sid'))).toThrow(ValidationError);
    }
    expect(() => pipe.transform('x', param('sid'))).toThrow('sid must be a UUID');
  });
});
