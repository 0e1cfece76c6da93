// 名册导入: a registry CSV uploaded as is (the API checks it line by line in the background),
// its progress, and every rejected line the API lists, downloadable as CSV.
import { Alert, Button, Card, Descriptions, Space, Spin, Table } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime } from '../../format.ts';

type Import = Schemas['RecipientImport'];
const statusText: Record<Import['status'], string> = { RUNNING: '正在导入', COMPLETED: '已完成', FAILED: '失败' };

function rejectionsCsv(rejected: Import['rejected']): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  // A BOM so that Excel opens the Chinese text as UTF-8.
  return `\uFEFF行号,原因\r\n${rejected.map((r) => `${r.line},${quote(r.message)}`).join('\r\n')}\r\n`;
}

export function RegistryImport() {
  const [file, setFile] = useState<File>();
  const [importId, setImportId] = useState<string>();
  const [state, setState] = useState<Import>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!importId || state?.status === 'COMPLETED' || state?.status === 'FAILED') return;
    const timer = setTimeout(async () => {
      const { data, error, response } = await api.GET('/recipients/imports/{importId}', { params: { path: { importId } } });
      if (data) setState(data);
      else setProblem(showProblem(error, response.status));
    }, state ? 1000 : 0);
    return () => clearTimeout(timer);
  }, [importId, state]);

  const start = async () => {
    if (!file) return;
    setProblem(undefined);
    setState(undefined);
    setBusy(true);
    const { data, error, response } = await api.POST('/recipients/imports', {
      body: await file.text(),
      headers: { 'content-type': 'text/csv' },
      bodySerializer: (body: string) => body,
    });
    setBusy(false);
    if (data && 'importId' in data) setImportId(data.importId);
    else setProblem(showProblem(error, response.status));
  };

  const download = () => {
    if (!state) return;
    const url = URL.createObjectURL(new Blob([rejectionsCsv(state.rejected)], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `导入未通过行-${state.importId}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>名册导入</h2>}>
      <Space wrap>
        <label>
          选择名册文件（CSV，5 MB 以内）：
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0])} />
        </label>
        <Button type="primary" disabled={!file} loading={busy} onClick={() => void start()}>
          开始导入
        </Button>
      </Space>
      {problem && (
        <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginTop: 16 }} />
      )}
      {state && (
        <>
          <Descriptions bordered column={3} style={{ marginTop: 16 }}>
            <Descriptions.Item label="状态">{statusText[state.status]}</Descriptions.Item>
            <Descriptions.Item label="已导入">{state.imported} 人</Descriptions.Item>
            <Descriptions.Item label="未通过">{state.rejectedCount} 行</Descriptions.Item>
            <Descriptions.Item label="开始时间">{chinaTime(state.createdAt)}</Descriptions.Item>
          </Descriptions>
          {/* The API reports no line count while running yet: say it runs rather than draw a made-up bar. */}
          {state.status === 'RUNNING' && <Spin tip="正在逐行检查和导入……" style={{ marginTop: 16 }} aria-label="正在导入" />}
          {state.rejected.length > 0 && (
            <>
              <Button style={{ marginTop: 16 }} onClick={download}>
                下载未通过的行（CSV）
              </Button>
              <Table
                style={{ marginTop: 8 }}
                size="small"
                rowKey="line"
                caption="未通过的行"
                dataSource={state.rejected}
                columns={[
                  { title: '行号', dataIndex: 'line' },
                  { title: '原因（系统原文）', dataIndex: 'message' },
                ]}
              />
            </>
          )}
        </>
      )}
    </Card>
  );
}
