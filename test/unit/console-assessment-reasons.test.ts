// Assessment reasons as stable codes (an API addition) and the console's Chinese for them: one
// code per English reason, in the same order, and a Chinese sentence for every code with its figures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicationTypes, assess, assessmentReasonCodes, type Member } from '../../shared/domain/applications.ts';
import { loadDefaultPolicies, policyInForce } from '../../shared/domain/policy.ts';
import { assessmentReasons } from '../../console/src/zh.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const on = '2026-11-29';
const policy = policyInForce(loadDefaultPolicies(), on);

const memberArbitrary = fc.record({
  n: fc.integer({ min: 1, max: 999 }),
  born: fc.constantFrom('19400101', '19661129', '19800101', '20110101'),
  monthlyIncomeFen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300_000 })),
  disability: fc.constantFrom('NONE', 'MILD', 'SEVERE') as fc.Arbitrary<Member['disability']>,
});

describe('assessment reason codes', () => {
  it('gives every English reason a code, one for one, and every code a Chinese sentence without a gap', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(...applicationTypes),
        fc.array(memberArbitrary, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.nat({ max: 2 }),
        fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined }),
        fc.boolean(),
        (type, people, depositsFen, vehicles, requestedAmountFen, onRegistry) => {
          const members: Member[] = people.map((p, i) => ({
            name: '王小婧',
            idNumber: validIdNumber(p.n * 10 + i, p.born),
            relation: i === 0 ? 'HEAD' : 'CHILD',
            monthlyIncomeFen: p.monthlyIncomeFen,
            disability: p.disability,
          }));
          const result = assess({
            type,
            household: { township: '真州镇', address: '真州镇东园村12号', members, assets: { depositsFen, vehicles, properties: 0 } },
            requestedAmountFen,
            policy,
            on,
            registryRecords: onRegistry ? [{ idNumber: members[0]!.idNumber, category: 'DIBAO', householdId: 'HH-7', status: 'SUSPENDED' }] : [],
          });
          expect(result.reasonCodes).toHaveLength(result.reasons.length);
          for (const coded of result.reasonCodes) seen.add(coded.code);
          const chinese = assessmentReasons({ ...result, marginalThresholdFen: result.marginalThresholdFen });
          for (const { text, lang } of chinese) {
            expect(lang).toBe('zh-CN');
            expect(text).not.toMatch(/undefined|NaN|\[object/);
            expect(text).toMatch(/[\u4e00-\u9fff]/);
          }
        },
      ),
      { numRuns: 400, seed: 16 },
    );
    // The generator reaches every code, so every Chinese sentence above was rendered at least once.
    expect([...seen].sort()).toEqual([...assessmentReasonCodes].sort());
  });

  it('renders a DIBAO assessment in Chinese with yuan figures, and keeps English for an assessment stored before codes', () => {
    const head: Member = { name: '王小婧', idNumber: validIdNumber(1), relation: 'HEAD', monthlyIncomeFen: 30_050, disability: 'NONE' };
    const result = assess({
      type: 'DIBAO',
      household: { township: '真州镇', address: '—', members: [head], assets: { depositsFen: 500_000, vehicles: 0, properties: 1 } },
      policy,
      on,
      registryRecords: [],
    });
    expect(assessmentReasons(result).map((r) => r.text)).toEqual([
      `家庭人均月收入 300.50 元（1 人合计 300.50 元），低于低保标准 ${(policy.dibaoStandardFen / 100).toFixed(2)} 元`,
      expect.stringMatching(/^存款 5000\.00 元，符合财产条件（不超过每人 \d+ 个月低保标准，1 人共 [\d.]+ 元）$/),
      '申报机动车 0 辆、房产 1 处；政策未设上限，由审核人综合判断',
    ]);
    expect(assessmentReasons({ ...result, reasonCodes: [] })).toEqual(result.reasons.map((text) => ({ text, lang: 'en' })));
  });
});
