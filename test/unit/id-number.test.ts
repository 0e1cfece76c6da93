import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkCharacter, idNumberProblem, maskIdNumber } from '../../shared/domain/id-number.ts';

describe('GB 11643 resident ID numbers', () => {
  it('accepts the standard worked example and its X check character', () => {
    // The standard's example: 11010519491231002X.
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(idNumberProblem('440524188001010014')).toBe('birth date part is not a valid date');
  });

  it('rejects every wrong check character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.constantFrom(...'0123456789X'), (seq, candidate) => {
        const first17 = `32108119800101${String(seq).padStart(3, '0')}`;
        const valid = candidate === checkCharacter(first17);
        expect(idNumberProblem(first17 + candidate) === null).toBe(valid);
      }),
    );
  });

  it.each([
    ['32108119800101001', 'must be 18 characters'],
    ['32108119800101001x', 'must be 17 digits followed by a digit or X'],
    ['321081198002300012', 'birth date part is not a valid date'],
  ])('%s: %s', (value, problem) => {
    expect(idNumberProblem(value)).toBe(problem);
  });

  it('masks all but the first 6 and last 4 characters', () => {
    expect(maskIdNumber('321081198001011234')).toBe('321081********1234');
  });
});
