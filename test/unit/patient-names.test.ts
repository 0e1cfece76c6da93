import { describe, expect, it } from 'vitest';
import { patientNameMatches } from '../../shared/domain/patient-names.ts';

describe('patient names as hospital systems send them', () => {
  const registered = '阿依古丽·买买提'; // U+00B7

  it.each([
    ['U+00B7', '阿依古丽·买买提'],
    ['bullet •', '阿依古丽•买买提'],
    ['full-width full stop ．', '阿依古丽．买买提'],
    ['full stop .', '阿依古丽.买买提'],
    ['katakana middle dot ・', '阿依古丽・买买提'],
    ['hyphenation point ‧', '阿依古丽‧买买提'],
    ['no separator', '阿依古丽买买提'],
    ['half-width katakana middle dot ･', '阿依古丽･买买提'],
    ['surrounding spaces', '  阿依古丽·买买提 '],
  ])('matches a minority name written with %s', (_name, sent) => {
    expect(patientNameMatches(registered, sent)).toBe(true);
  });

  it('compares composed and decomposed forms (NFKC) and full-width letters', () => {
    expect(patientNameMatches('Zoë', 'Zoe\u0308')).toBe(true);
    expect(patientNameMatches('ANNA', 'ＡＮＮＡ')).toBe(true);
  });

  it.each([
    ['U+FFFD', '\uFFFD野家'],
    ['a private-use code point', '\uE001野家'],
    ['a supplementary private-use code point', '\u{F0001}野家'],
    ['?', '?野家'],
    ['full-width ？', '？野家'],
  ])('lets %s stand for one rare character', (_name, sent) => {
    expect(patientNameMatches('𠮷野家', sent)).toBe(true);
  });

  it.each([
    ['another character', '王静', '王婧'],
    ['one character too many', '王婧婧', '王婧'],
    ['a substitute for two characters', '?家', '𠮷野家'],
    ['substitutes outnumbering exact characters', '??家', '𠮷野家'],
    ['only substitutes', '??', '王婧'],
    ['pinyin for a character', 'ji野家', '𠮷野家'],
    ['a substitute in the registry, not in the request', '王婧', '王?'],
    ['an empty name', '', '王婧'],
    ['a space instead of the interpunct is a different name', '阿依古丽 买买提', registered],
  ])('refuses %s', (_name, sent, reg) => {
    expect(patientNameMatches(reg, sent)).toBe(false);
  });
});
