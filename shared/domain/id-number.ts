// PRC resident identity numbers (GB 11643-1999): 17 digits, then a check character.
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const checkCharacters = '10X98765432';

export function checkCharacter(first17Digits: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17Digits[i]) * weights[i]!;
  return checkCharacters[sum % 11]!;
}

/** What to do when Excel has turned a long number into a number: said once, used for every shape. */
export const excelNumberAdvice =
  'format the column as Text (设置单元格格式 › 文本) before typing or pasting the numbers, then type it again';

/** Why a resident ID number is refused: stable codes (the console shows them in Chinese). */
export type IdNumberProblemCode =
  | 'ID_NUMBER_EXCEL_NUMBER'
  | 'ID_NUMBER_LENGTH'
  | 'ID_NUMBER_FORMAT'
  | 'ID_NUMBER_BIRTH_DATE'
  | 'ID_NUMBER_BIRTH_FUTURE'
  | 'ID_NUMBER_CHECK_DIGIT';

export const idNumberMessages: Record<IdNumberProblemCode, string> = {
  ID_NUMBER_EXCEL_NUMBER: `Excel turned this ID number into a number (shown like 3.21081E+17, or ending in .0) and its last digits are lost: ${excelNumberAdvice}`,
  ID_NUMBER_LENGTH: 'must be 18 characters',
  ID_NUMBER_FORMAT: 'must be 17 digits followed by a digit or X',
  ID_NUMBER_BIRTH_DATE: 'birth date part is not a valid date',
  ID_NUMBER_BIRTH_FUTURE: 'birth date part is in the future',
  ID_NUMBER_CHECK_DIGIT: 'check digit does not match',
};

/**
 * Why the number is not a valid resident ID number (GB 11643-1999), as a code, or null when it
 * is. The birth date part must be a real date from 1900 on and, given `today` (China date), not
 * after it. The shapes Excel makes of a long number have their own code. No imports: the console
 * checks members' numbers with this same function.
 */
export function idNumberProblemCode(value: string, today?: string): IdNumberProblemCode | null {
  if (/^\d+(?:[.,]\d+)?[eE][+]?\d+$/.test(value) || /^\d+\.0+$/.test(value)) return 'ID_NUMBER_EXCEL_NUMBER';
  if (value.length !== 18) return 'ID_NUMBER_LENGTH';
  if (!/^\d{17}[\dX]$/.test(value)) return 'ID_NUMBER_FORMAT';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return 'ID_NUMBER_BIRTH_DATE';
  if (today !== undefined && birth.toISOString().slice(0, 10) > today) return 'ID_NUMBER_BIRTH_FUTURE';
  if (checkCharacter(value) !== value[17]) return 'ID_NUMBER_CHECK_DIGIT';
  return null;
}

/** idNumberProblemCode's finding in English (the API's message), or null when the number is valid. */
export function idNumberProblem(value: string, today?: string): string | null {
  const code = idNumberProblemCode(value, today);
  // Excel keeps 15 significant digits: an 18-digit number typed into a Number cell ends in 000.
  if (code === 'ID_NUMBER_CHECK_DIGIT' && value.endsWith('000')) {
    return `check digit does not match; it ends in 000, which is what Excel makes of an 18-digit number (it keeps only 15 digits): ${excelNumberAdvice}`;
  }
  return code && idNumberMessages[code];
}

/** First 6 and last 4 characters shown, the rest starred: 321081********1234. */
export function maskIdNumber(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
}

/** Birth date (YYYY-MM-DD) of a valid ID number. */
export function birthDateOf(idNumber: string): string {
  return `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
}
