// The API's error envelope as the console shows it: a Chinese summary from the error code, and
// each detail on its form field (details[].path, money fields ending Fen shown as …Yuan).
import type { FormInstance } from 'antd';
import type { ErrorEnvelope } from './api/client.ts';
import { reasonText } from '../../shared/domain/reasons.ts';
import { detailText, errorCodeText } from './zh.ts';

export interface Problem {
  summary: string;
  /** Details that name no field of the form at hand. */
  general: string[];
}

/** antd's field name for an API path: "household.members.0.monthlyIncomeFen" → [household, members, 0, monthlyIncomeYuan]. */
export function fieldNameOf(path: string): Array<string | number> {
  return path
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/Fen$/, 'Yuan')));
}

/**
 * Puts each detail on its field when the form has it (registered field names); returns the
 * summary and the rest. `status` is the HTTP status (0 when the request never reached the API).
 */
export function showProblem(error: ErrorEnvelope | undefined, status: number, form?: FormInstance): Problem {
  if (!error?.error) {
    return { summary: status === 0 ? '网络连接失败，请检查后重试' : `请求失败（HTTP ${status}）`, general: [] };
  }
  const { code, message, details } = error.error;
  const summary = errorCodeText[code] ?? `请求失败（${code}）`;
  const general: string[] = [];
  const fields: Array<{ name: Array<string | number>; errors: string[] }> = [];
  const known = new Set(form ? form.getFieldsError().map((f) => JSON.stringify(f.name)) : []);
  for (const detail of details ?? []) {
    const name = fieldNameOf(detail.path);
    if (form && known.has(JSON.stringify(name))) fields.push({ name, errors: [detailText(detail)] });
    else general.push(`${detail.path && detail.path !== 'body' ? `${detail.path}：` : ''}${detailText(detail)}`);
  }
  if (form && fields.length) form.setFields(fields.map((f) => ({ name: f.name, errors: f.errors })));
  // A refusal explains a rule: its reason in Chinese from the code (reasons.ts), else the API's words.
  const reason = error.error.reason && reasonText(error.error.reason, 'zh-CN');
  if (reason) general.push(reason);
  else if (!details?.length && (code === 'FORBIDDEN' || code === 'INVALID_STATE' || code === 'CONFLICT')) general.push(message);
  return { summary, general };
}
