// Money and time as the console shows them, from the shared rules (shared/domain): yuan with two
// decimals, China time whatever the browser's zone.
import { dateInChina, instantInChina } from '../../shared/domain/clock.ts';
import { idNumberProblemCode } from '../../shared/domain/id-number.ts';
import { formatYuan, parseYuan } from '../../shared/domain/yuan.ts';
import { detailCodeText } from './zh.ts';

export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `${formatYuan(fen)} 元`);
export const chinaTime = (instant: string | null | undefined) => (instant ? instantInChina(instant) : '—');

/** An antd rule for a yuan field: the Chinese reason when the text is not an amount. */
export const yuanRule = (required: boolean) => ({
  validator: async (_: unknown, value: string | undefined) => {
    if (!required && (value === undefined || value.trim() === '')) return;
    const parsed = parseYuan(value ?? '');
    if ('problem' in parsed) throw new Error(detailCodeText[parsed.problem]);
  },
});

/** Fen from a yuan field that passed yuanRule; undefined when left empty. */
export function fenOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = parseYuan(value);
  if ('problem' in parsed) throw new Error(`not an amount: ${value}`);
  return parsed.fen;
}

/** An antd rule for a resident ID number field: the API's own check (GB 11643), the reason in Chinese. */
export const idNumberRule = {
  validator: async (_: unknown, value: string | undefined) => {
    const code = idNumberProblemCode((value ?? '').trim().toUpperCase(), dateInChina(new Date()));
    if (code) throw new Error(detailCodeText[code]);
  },
};
