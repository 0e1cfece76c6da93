// Refusals and rejected lines: stable codes, English and Chinese from one catalog, and the
// language an Accept-Language header asks for.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../shared/domain/errors.ts';
import { languageOf, lineReasons, reasonText, refusalReasons } from '../../shared/domain/reasons.ts';
import { errorResult } from '../../shared/http/route.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('Accept-Language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN,zh;q=0.9', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['zh-CN;q=0.5,en;q=0.8', 'en'],
    ['fr-FR,zh-CN;q=0.7', 'zh-CN'],
    ['zh-CN;q=0', 'en'],
    ['de', 'en'],
  ])('%s → %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});

describe('refusals', () => {
  it('every reason has English and Chinese text', () => {
    const figures = new Proxy({}, { get: () => 1 }) as Record<string, number>;
    for (const [code, text] of Object.entries({ ...refusalReasons, ...lineReasons })) {
      expect(text.en(figures), code).not.toBe('');
      expect(text.zh(figures), code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('the envelope keeps the code and reason; the message follows the language', () => {
    const error = refusal('FORBIDDEN', 'FILER_MAY_NOT_DECIDE', { subject: 'rv-1', applicationId: 'app_1' });
    const english = JSON.parse(errorResult(error.code, error.message, [], error.reason).body!);
    const chinese = errorResult(error.code, error.message, [], error.reason, 'zh-CN');
    expect(english.error).toEqual({
      code: 'FORBIDDEN',
      message: 'rv-1 filed or submitted application app_1 and so may not decide it',
      details: [],
      reason: { code: 'FILER_MAY_NOT_DECIDE', values: { subject: 'rv-1', applicationId: 'app_1' } },
    });
    expect(JSON.parse(chinese.body!).error).toEqual({ ...english.error, message: reasonText(english.error.reason, 'zh-CN') });
    expect(chinese.headers).toMatchObject({ 'content-language': 'zh-CN' });
    const invalid = JSON.parse(errorResult('VALIDATION_FAILED', 'reason: Required', [{ path: 'reason', message: 'Required', code: 'REQUIRED' }], undefined, 'zh-CN').body!);
    expect(invalid.error).toEqual({ code: 'VALIDATION_FAILED', message: '填写有误，请按提示修改：reason：此项必填', details: [{ path: 'reason', message: '此项必填', code: 'REQUIRED' }] });
  });

  it('no 403 or 409 INVALID_STATE is thrown without a reason code (the kind, closed everywhere)', () => {
    const bare = /new AppError\(\s*'(FORBIDDEN|INVALID_STATE)'/;
    const offenders = ['shared', 'functions', 'local']
      .flatMap((dir) => sources(join(process.cwd(), dir)))
      .filter((path) => bare.test(readFileSync(path, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
