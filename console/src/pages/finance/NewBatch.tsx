// 新建批次 (the maker): program, period, title, categories and the amount per person in yuan
// (sent in fen). Planning runs in the background; the batch's screen then shows the plan (count,
// total, who was left out and why) before anyone approves it.
import { Button, Checkbox, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { fenOf, yuanRule } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { categoryText, detailCodeText } from '../../zh.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { programText } from './finance-zh.ts';
import { currentPeriod, periodOptions } from './periods.ts';

type NewBatch = Schemas['NewPayoutBatch'];
type Program = NewBatch['program'];
interface Values {
  program: Program;
  period: string;
  title: string;
  categories?: NonNullable<NewBatch['categories']>;
  perPersonYuan?: string;
}

// Which programs take categories and an amount per person (shared/domain/payouts/batch.ts).
const withoutCategories: readonly Program[] = ['ONE_OFF_GRANTS', 'HOSPITAL_REIMBURSEMENT'];
const withPerPersonAmount: readonly Program[] = ['PRICE_SUBSIDY', 'ONE_TIME_LIVING'];
const howPaid: Record<Program, string> = {
  PRICE_SUBSIDY: '所选类别的在保对象每人一份，金额在下方填写。',
  ONE_TIME_LIVING: '所选类别的在保对象每人一份，金额在下方填写。',
  MONTHLY_BENEFIT: '所选类别的在保对象，每人按其本人的月保障金发放。',
  ONE_OFF_GRANTS: '已批准、尚未发放的一次性救助（临时、急难、医疗、教育），每笔按批准金额发放一次。',
  HOSPITAL_REIMBURSEMENT: '每家定点医院该月垫付的医疗救助金额（扣除冲正），付至医院账户；所属期须为已结束的月份。',
};

export function NewBatch() {
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const program = Form.useWatch('program', form) ?? 'PRICE_SUBSIDY';
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  const create = async (values: Values) => {
    setBusy(true);
    setProblem(undefined);
    const { data, error, response } = await api.POST('/payout-batches', {
      body: {
        program: values.program,
        period: values.period,
        title: values.title.trim(),
        ...(!withoutCategories.includes(values.program) && { categories: values.categories }),
        ...(withPerPersonAmount.includes(values.program) && { perPersonFen: fenOf(values.perPersonYuan) }),
      },
    });
    setBusy(false);
    if (data) navigate(`/payouts/${data.id}`);
    else setProblem(showProblem(error, response.status, form));
  };

  return (
    <Panel title="新建支付批次" style={{ maxWidth: 760 }}>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={create}
        initialValues={{ program: 'PRICE_SUBSIDY', period: currentPeriod(), categories: ['DIBAO', 'TEKUN'] }}
      >
        <Form.Item label="项目" name="program" extra={howPaid[program]}>
          <Select options={(Object.entries(programText) as Array<[Program, string]>).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item label="所属期" name="period">
          <Select options={periodOptions()} />
        </Form.Item>
        <Form.Item label="批次名称" name="title" rules={[{ required: true, whitespace: true, message: detailCodeText.REQUIRED }]}>
          <Input maxLength={100} />
        </Form.Item>
        {!withoutCategories.includes(program) && (
          <Form.Item label="救助类别" name="categories" rules={[{ required: true, message: '请至少选择一个类别' }]}>
            <Checkbox.Group options={(Object.entries(categoryText) as Array<[string, string]>).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        )}
        {withPerPersonAmount.includes(program) && (
          <Form.Item label="每人金额（元）" name="perPersonYuan" rules={[yuanRule(true)]}>
            <Input inputMode="decimal" />
          </Form.Item>
        )}
        <ProblemAlert problem={problem} />
        <Button type="primary" htmlType="submit" loading={busy}>
          生成名单（提交后由另一名财务人员复核）
        </Button>
      </Form>
    </Panel>
  );
}
