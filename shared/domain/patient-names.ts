// Comparing the patient name a hospital system sends with the registry's (issue 11, "Names").
//
// The rule, and nothing looser:
// 1. Both names are put in Unicode NFKC form (full-width letters and punctuation become their
//    ordinary forms; composed and decomposed characters compare equal) and trimmed.
// 2. Every interpunct variant hospital systems use between the parts of a minority name is
//    removed: U+00B7 ·, U+2022 •, U+FF0E ． (NFKC: .), U+002E ., U+30FB ・, U+FF65 ･, U+2027 ‧,
//    U+2219 ∙, U+22C5 ⋅, U+0387 ·, U+16EB ᛫, U+2E31 ⸱; so `阿依古丽·买买提`, `阿依古丽•买买提` and
//    `阿依古丽买买提` are one name.
// 3. A rare character (生僻字) the hospital's system cannot write may arrive as U+FFFD, a
//    private-use code point (U+E000–U+F8FF, planes 15 and 16) or `?` (full-width `？` too). Each
//    such character matches exactly one character (code point) of the registry name, at the same
//    position, provided every other character matches exactly and the exactly matched
//    characters are at least as many as the substituted ones (`?明` may stand for `𠮷明`; `??`
//    stands for nobody). Pinyin in place of a character is not matched.
// The ID number is the key; the name is a second check, so a mismatch only withholds the decision.

const interpuncts = /[\u00B7\u2022\u002E\u30FB\uFF65\u2027\u2219\u22C5\u0387\u16EB\u2E31]/gu;

export function normalisedName(name: string): string {
  return name.normalize('NFKC').trim().replace(interpuncts, '');
}

function isSubstitute(codePoint: number): boolean {
  return (
    codePoint === 0xfffd ||
    codePoint === 0x3f || // '?' (NFKC also maps U+FF1F here)
    (codePoint >= 0xe000 && codePoint <= 0xf8ff) ||
    (codePoint >= 0xf0000 && codePoint <= 0x10ffff)
  );
}

/** True when the hospital's `sent` name stands for the registry's `registered` name (see the rule above). */
export function patientNameMatches(registered: string, sent: string): boolean {
  const expected = [...normalisedName(registered)];
  const given = [...normalisedName(sent)];
  if (expected.length === 0 || expected.length !== given.length) return false;
  let exact = 0;
  let substituted = 0;
  for (let i = 0; i < given.length; i++) {
    const g = given[i]!;
    if (g === expected[i]) exact++;
    else if (isSubstitute(g.codePointAt(0)!)) substituted++;
    else return false;
  }
  return exact >= 1 && exact >= substituted;
}
