// Money on screen is yuan with two decimals; in the API and the tables it is integer fen.
// Conversion works on the decimal text itself (never parseFloat(x) * 100: 0.29 * 100 is 28.999…).
// No imports: the console bundles this module.

/** Fen as yuan with two decimals, e.g. 123456 → "1234.56", -5 → "-0.05". Throws on a non-integer. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatYuan: not an integer number of fen: ${fen}`);
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${fen < 0 ? '-' : ''}${yuan}.${String(cents).padStart(2, '0')}`;
}

/** Why a yuan text cannot be an amount: a stable code the console renders in Chinese. */
export type YuanProblem = 'YUAN_EMPTY' | 'YUAN_FORMAT' | 'YUAN_TOO_MANY_DECIMALS' | 'YUAN_TOO_LARGE';

/**
 * Integer fen from yuan as a person types it: "900", "900.5", "900.50", "1,234.56", "１２３．４５"
 * (full-width digits from Chinese input methods), with spaces around. Non-negative, at most two
 * decimals, at most Number.MAX_SAFE_INTEGER fen. Returns `{ fen }` or `{ problem }`.
 */
export function parseYuan(text: string): { fen: number } | { problem: YuanProblem } {
  const normalised = text
    .normalize('NFKC') // full-width digits and point → ASCII
    .replace(/[\s,，]/g, '');
  if (normalised === '') return { problem: 'YUAN_EMPTY' };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(normalised);
  if (!match) return { problem: 'YUAN_FORMAT' };
  const decimals = match[2] ?? '';
  if (decimals.length > 2) return { problem: 'YUAN_TOO_MANY_DECIMALS' };
  const digits = (match[1]! + decimals.padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  const fen = BigInt(digits);
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: 'YUAN_TOO_LARGE' };
  return { fen: Number(fen) };
}
