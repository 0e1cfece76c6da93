// What a wider audience may see of a person: the public notice, and staff views of bank details.
// (ID numbers: maskIdNumber in id-number.ts.)

/**
 * A name with only its ends shown: 王小婧 → 王*婧, 欧阳小婧 → 欧**婧, 王婧 → 王*.
 * Counted in characters, not UTF-16 units, so rare characters outside the BMP stay whole.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A bank account with its last 4 digits shown: 6228480012345678 → ************5678. */
export function maskBankAccount(account: string): string {
  return account.length <= 4 ? '*'.repeat(account.length) : '*'.repeat(account.length - 4) + account.slice(-4);
}
