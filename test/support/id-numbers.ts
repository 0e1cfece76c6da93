import { checkCharacter } from '../../shared/domain/id-number.ts';

/** A valid resident ID number for test person n (Yizheng's area code, a birth date, a sequence). */
export function validIdNumber(n: number, birthDate = '19800101'): string {
  const first17 = `321081${birthDate}${String(n % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** Same number with a wrong check character. */
export function withWrongCheckDigit(idNumber: string): string {
  const wrong = idNumber[17] === '1' ? '2' : '1';
  return idNumber.slice(0, 17) + wrong;
}
