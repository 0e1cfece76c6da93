// 新建申请: any of the seven types, its members (ID numbers checked here with the API's own GB
// 11643 rule), assets and payee. Money is typed in yuan and sent in fen.
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { fenOf, idNumberRule, yuanRule } from '../../format.ts';
import { currentSession } from '../../session.ts';
import { applicationTypeText, detailCodeText, disabilityText, enrolmentTypes, relationText } from '../../zh.ts';

type Request = Schemas['ApplicationRequest'];

interface MemberValues {
  name: string;
  idNumber: string;
  relation: Request['household']['members'][number]['relation'];
  monthlyIncomeYuan: string;
  disability: Request['household']['members'][number]['disability'];
}
interface Values {
  type: Request['type'];
  household: {
    township: string;
    address: string;
    members: MemberValues[];
    assets: { depositsYuan: string; vehicles: number; properties: number };
  };
  reason: string;
  requestedAmountYuan?: string;
  payee?: { bankName?: string; bankAccount?: string };
}

const options = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as Array<[K, string]>).map(([value, label]) => ({ value, label }));


export function NewApplication() {
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const type = Form.useWatch('type', form);
  const oneOff = type !== undefined && !enrolmentTypes.includes(type);

  const submit = async (values: Values) => {
    setProblem(undefined);
    const payee = values.payee?.bankName || values.payee?.bankAccount ? values.payee : undefined;
    const body: Request = {
      type: values.type,
      household: {
        township: values.household.township.trim(),
        address: values.household.address.trim(),
        members: values.household.members.map((m) => ({
          name: m.name.trim(),
          idNumber: m.idNumber.trim().toUpperCase(),
          relation: m.relation,
          monthlyIncomeFen: fenOf(m.monthlyIncomeYuan) ?? 0,
          disability: m.disability,
        })),
        assets: {
          depositsFen: fenOf(values.household.assets.depositsYuan) ?? 0,
          vehicles: values.household.assets.vehicles,
          properties: values.household.assets.properties,
        },
      },
      reason: values.reason.trim(),
      ...(oneOff && fenOf(values.requestedAmountYuan) !== undefined && { requestedAmountFen: fenOf(values.requestedAmountYuan) }),
      ...(payee && { payee: { bankName: (payee.bankName ?? '').trim(), bankAccount: (payee.bankAccount ?? '').trim() } }),
    };
    setBusy(true);
    try {
      const { data, error, response } = await api.POST('/applications', { body });
      if (data) navigate(`/applications/${data.id}`);
      else setProblem(showProblem(error, response.status, form));
    } catch {
      setProblem(showProblem(undefined, 0));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>新建救助申请</h2>}>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        scrollToFirstError
        initialValues={{
          type: 'DIBAO',
          household: {
            township: currentSession()?.township ?? '',
            members: [{ relation: 'HEAD', disability: 'NONE', monthlyIncomeYuan: '0' }],
            assets: { depositsYuan: '0', vehicles: 0, properties: 0 },
          },
        }}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="救助类型" name="type" rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
              <Select options={options(applicationTypeText)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="乡镇（街道）" name={['household', 'township']} rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="家庭住址" name={['household', 'address']} rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          家庭成员
        </Typography.Title>
        <Form.List name={['household', 'members']}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row gutter={8} key={field.key} align="top">
                  <Col span={4}>
                    <Form.Item label="姓名" name={[field.name, 'name']} rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item label="身份证号码" name={[field.name, 'idNumber']} rules={[idNumberRule]} validateFirst>
                      <Input maxLength={18} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item label="与户主关系" name={[field.name, 'relation']}>
                      <Select options={options(relationText)} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item label="月收入（元）" name={[field.name, 'monthlyIncomeYuan']} rules={[yuanRule(true)]}>
                      <Input inputMode="decimal" />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item label="残疾情况" name={[field.name, 'disability']}>
                      <Select options={options(disabilityText)} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item label=" " colon={false}>
                      <Button onClick={() => remove(field.name)} disabled={fields.length === 1}>
                        删除成员 {field.name + 1}
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              ))}
              <Button onClick={() => add({ relation: 'CHILD', disability: 'NONE', monthlyIncomeYuan: '0' })} style={{ marginBottom: 16 }}>
                添加成员
              </Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          家庭财产
        </Typography.Title>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="存款（元）" name={['household', 'assets', 'depositsYuan']} rules={[yuanRule(true)]}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="机动车（辆）" name={['household', 'assets', 'vehicles']}>
              <InputNumber min={0} max={99} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="房产（套）" name={['household', 'assets', 'properties']}>
              <InputNumber min={0} max={99} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="申请理由" name="reason" rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        {oneOff && (
          <Form.Item label="申请金额（元）" name="requestedAmountYuan" rules={[yuanRule(false)]}>
            <Input inputMode="decimal" />
          </Form.Item>
        )}
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          收款账户（可不填）
        </Typography.Title>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="开户银行" name={['payee', 'bankName']}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="银行账号" name={['payee', 'bankAccount']}>
              <Input inputMode="numeric" />
            </Form.Item>
          </Col>
        </Row>
        {problem && (
          <Alert
            type="error"
            role="alert"
            title={problem.summary}
            description={problem.general.length ? problem.general.map((g) => <div key={g}>{g}</div>) : undefined}
            style={{ marginBottom: 16 }}
          />
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存申请（草稿）
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
