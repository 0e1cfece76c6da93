// The public notice (公示) posted in the household's village or community while an approved
// enrolment waits for objections. It is read by the public: names and ID numbers are masked,
// and the address is left out.
import type { ApplicationRecord, EnrolmentType } from './applications.ts';
import { maskIdNumber } from './id-number.ts';
import { maskName } from './masking.ts';
import { formatYuan } from './settlement.ts';

const programmeNames: Record<EnrolmentType, string> = {
  DIBAO: '最低生活保障 (低保, DIBAO)',
  MARGINAL: '低保边缘家庭 (MARGINAL)',
  TEKUN: '特困人员救助供养 (特困, TEKUN)',
};

const relationNames: Record<string, string> = {
  HEAD: '户主',
  SPOUSE: '配偶',
  CHILD: '子女',
  PARENT: '父母',
  SIBLING: '兄弟姐妹',
  OTHER: '其他',
};

export function publicNoticeText(input: {
  application: Pick<ApplicationRecord, 'id' | 'household'> & { type: EnrolmentType };
  monthlyBenefitFen: number;
  startsOn: string;
  endsOn: string;
}): string {
  const { application, monthlyBenefitFen, startsOn, endsOn } = input;
  const members = application.household.members.map(
    (m) => `  ${maskName(m.name)}\t${maskIdNumber(m.idNumber)}\t${relationNames[m.relation] ?? m.relation}`,
  );
  return [
    `公示 Public notice: ${programmeNames[application.type]}`,
    '',
    `申请编号 Application: ${application.id}`,
    `乡镇（街道） Township: ${application.household.township}`,
    `家庭人口 Household members: ${application.household.members.length}`,
    ...members,
    `拟保障金额 Proposed benefit: ${formatYuan(monthlyBenefitFen)} 元/人/月 (yuan per member per month)`,
    '',
    `公示期 Notice period: ${startsOn} 至 ${endsOn} (to)`,
    '如有异议，请在公示期内向乡镇（街道）或市民政局反映。',
    'Objections may be raised with the township or the civil-affairs bureau until the notice ends.',
    '',
  ].join('\n');
}
