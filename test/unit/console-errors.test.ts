// The console's reading of the error envelope: Chinese from codes, each detail on its field.
import { describe, expect, it } from 'vitest';
import { fieldNameOf, showProblem } from '../../console/src/errors.ts';
import { detailCodeText, detailText } from '../../console/src/zh.ts';

describe('console errors', () => {
  it('maps an API path to the form field, money fields shown in yuan', () => {
    expect(fieldNameOf('household.members.0.monthlyIncomeFen')).toEqual(['household', 'members', 0, 'monthlyIncomeYuan']);
    expect(fieldNameOf('reason')).toEqual(['reason']);
    expect(fieldNameOf('')).toEqual([]);
  });

  it('renders detail codes in Chinese, keeping the API words only for a code it has no text for', () => {
    expect(detailText({ code: 'ID_NUMBER_CHECK_DIGIT', message: 'check digit does not match' })).toBe(detailCodeText.ID_NUMBER_CHECK_DIGIT);
    expect(detailText({ code: 'REQUIRED', message: 'Invalid input' })).toBe('此项必填');
    expect(detailText({ code: 'INVALID', message: 'must have exactly one HEAD member; has 2' })).toBe(
      '不符合要求（must have exactly one HEAD member; has 2）',
    );
  });

  it('puts details on the fields the form has, and the rest in the summary', () => {
    const set: unknown[] = [];
    const form = {
      getFieldsError: () => [{ name: ['household', 'members', 0, 'idNumber'], errors: [] }],
      setFields: (fields: unknown[]) => set.push(...fields),
    } as never;
    const problem = showProblem(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: '…',
          details: [
            { path: 'household.members.0.idNumber', message: 'check digit does not match', code: 'ID_NUMBER_CHECK_DIGIT' },
            { path: 'household.members', message: 'must have exactly one HEAD member; has 0', code: 'INVALID' },
          ],
        },
      },
      400,
      form,
    );
    expect(set).toEqual([{ name: ['household', 'members', 0, 'idNumber'], errors: ['身份证号码校验位不正确（GB 11643）'] }]);
    expect(problem).toEqual({
      summary: '填写有误，请按提示修改',
      general: ['household.members：不符合要求（must have exactly one HEAD member; has 0）'],
    });
  });

  it('says why for a forbidden or invalid move, and names a network failure', () => {
    expect(showProblem({ error: { code: 'FORBIDDEN', message: 'cw-1 filed or submitted application x', details: [] } }, 403)).toEqual({
      summary: '无权进行此操作',
      general: ['cw-1 filed or submitted application x'],
    });
    expect(showProblem(undefined, 0).summary).toBe('网络连接失败，请检查后重试');
  });
});
