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

/**
 * Why the number is not a valid resident ID number (GB 11643-1999), or null when it is. The birth
 * date part must be a real date from 1900 on and, given `today` (China date), not after it. The
 * shapes Excel makes of a long number get a message saying how to save the file instead.
 */
export function idNumberProblem(value: string, today?: string): string | null {
  if (/^\d+(?:[.,]\d+)?[eE][+]?\d+$/.test(value)) {
    return `Excel turned this ID number into a number (shown like 3.21081E+17) and its last digits are lost: ${excelNumberAdvice}`;
  }
  if (/^\d+\.0+$/.test(value)) {
    return `Excel turned this ID number into a number (it ends in .0): ${excelNumberAdvice}`;
  }
  if (value.length !== 18) return 'must be 18 characters';
  if (!/^\d{17}[\dX]$/.test(value)) return 'must be 17 digits followed by a digit or X';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) {
    return 'birth date part is not a valid date';
  }
  if (today !== undefined && birth.toISOString().slice(0, 10) > today) return 'birth date part is in the future';
  if (checkCharacter(value) !== value[17]) {
    // Excel keeps 15 significant digits: an 18-digit number typed into a Number cell ends in 000.
    if (value.endsWith('000')) {
      return `check digit does not match; it ends in 000, which is what Excel makes of an 18-digit number (it keeps only 15 digits): ${excelNumberAdvice}`;
    }
    return 'check digit does not match';
  }
  return null;
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
