import { IsOptional, IsString } from 'class-validator';
import { ValidationError } from '../errors/domain-error';
import { createValidationPipe, validateBody } from './validation';

class QueryDto {
  @IsOptional()
  @IsString()
  prefix?: string;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();

  it.each(['body', 'query', 'param'] as const)(
    'refuses a lone surrogate in a %s, nested or as a key, naming the field',
    async (type) => {
      for (const [value, field] of [
        [{ prefix: 'ab\uD800' }, 'prefix'],
        [{ prefix: ['ok', { deep: '\uDFFF' }] }, 'prefix.1.deep'],
        [{ ['k\uD800']: 'v' }, 'k\uFFFD'],
      ] as const) {
        const refused = pipe.transform(value, { type, metatype: QueryDto });
        await expect(refused).rejects.toBeInstanceOf(ValidationError);
        await expect(refused).rejects.toThrow(`Invalid fields: ${field}`);
      }
    },
  );

  it('lets well-formed text through, astral characters included', async () => {
    await expect(
      pipe.transform({ prefix: '名前 😀' }, { type: 'query', metatype: QueryDto }),
    ).resolves.toEqual({ prefix: '名前 😀' });
  });

  it('checks bodies validated by guards the same way', async () => {
    await expect(validateBody(QueryDto, { prefix: '\uD800' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
