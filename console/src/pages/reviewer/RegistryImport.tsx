// 名册导入: the registry file's bytes go to the API as they are (a GBK CSV saved by Chinese Excel
// arrives intact: the API decodes it), a dry run first (counts, encoding, the first rows as they
// would be stored, every rejected line), then the import, its progress, and every rejected line
// downloadable (the API's rejectionsCsvUrl).
import { Alert, Button, Card, Descriptions, Progress, Space, Table } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { saveBlob } from '../../download.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, yuan } from '../../format.ts';
import { categoryText, rejectionText } from '../../zh.ts';

type Import = Schemas['RecipientImport'];
type DryRun = Schemas['RecipientImportDryRun'];
type Rejection = Import['rejected'][number];
const statusText: Record<Import['status'], string> = { RUNNING: '正在导入', COMPLETED: '已完成', FAILED: '失败' };
const maxFileBytes = 5 * 1024 * 1024;

/** The dry run's rejections as the CSV the API writes after an import (UTF-8 with a BOM for Excel). */
function rejectionsCsv(rejected: Rejection[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `\uFEFF行号,原因\r\n${rejected.map((r) => `${r.line},${quote(rejectionText(r))}`).join('\r\n')}\r\n`;
}

/**
 * The file's bytes, never `file.text()` (which would decode GBK as UTF-8 and replace every Chinese
 * character). `application/vnd.ms-excel` is what Windows browsers label a .csv file and what the
 * API takes as bytes (API Gateway would hand a text/csv body over as UTF-8 text).
 */
async function postRegistryFile(file: File, dryRun: boolean) {
  return api.POST('/recipients/imports', {
    params: { query: { dryRun: dryRun ? 'true' : 'false' } },
    body: await file.arrayBuffer(),
    headers: { 'content-type': 'application/vnd.ms-excel' },
    bodySerializer: (body: ArrayBuffer) => body,
  } as never);
}

function RejectedLines(props: { rejected: Rejection[]; total: number }) {
  return (
    <Table<Rejection>
      style={{ marginTop: 8 }}
      size="small"
      rowKey="line"
      caption={`未通过的行（共 ${props.total} 行${props.total > props.rejected.length ? `，此处列出前 ${props.rejected.length} 行，完整清单请下载` : ''}）`}
      dataSource={props.rejected}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      columns={[
        { title: '行号', dataIndex: 'line', width: 80 },
        { title: '原因', key: 'reason', render: (_: unknown, rejection: Rejection) => rejectionText(rejection) },
      ]}
    />
  );
}

export function RegistryImport() {
  const [file, setFile] = useState<File>();
  const [dryRun, setDryRun] = useState<DryRun>();
  const [importId, setImportId] = useState<string>();
  const [state, setState] = useState<Import>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<'dry-run' | 'import' | 'download'>();

  useEffect(() => {
    if (!importId || state?.status === 'COMPLETED' || state?.status === 'FAILED') return;
    const timer = setTimeout(async () => {
      const { data, error, response } = await api.GET('/recipients/imports/{importId}', { params: { path: { importId } } });
      if (data) setState(data);
      else setProblem(showProblem(error, response.status));
    }, state ? 1000 : 0);
    return () => clearTimeout(timer);
  }, [importId, state]);

  const choose = (chosen: File | undefined) => {
    setProblem(undefined);
    setDryRun(undefined);
    setImportId(undefined);
    setState(undefined);
    if (chosen && chosen.size > maxFileBytes) {
      setFile(undefined);
      setProblem({ summary: '文件不能超过 5 MB', general: [] });
      return;
    }
    setFile(chosen);
  };

  const check = async () => {
    if (!file) return;
    setProblem(undefined);
    setBusy('dry-run');
    const { data, error, response } = await postRegistryFile(file, true);
    setBusy(undefined);
    if (data && 'dryRun' in data) setDryRun(data as DryRun);
    else setProblem(showProblem(error, response.status));
  };

  const start = async () => {
    if (!file) return;
    setProblem(undefined);
    setBusy('import');
    const { data, error, response } = await postRegistryFile(file, false);
    setBusy(undefined);
    if (data && 'importId' in data) setImportId((data as { importId: string }).importId);
    else setProblem(showProblem(error, response.status));
  };

  /** One download handler: the dry run's rejections made here, or the import's from the API's link. */
  const download = async (blobOf: () => Promise<Blob>, fileName: string) => {
    setBusy('download');
    try {
      saveBlob(await blobOf(), fileName);
    } catch {
      // The link is valid 15 minutes: a fresh read of the import gives a new one.
      setProblem({ summary: '下载链接已过期或网络中断，请刷新页面后再下载', general: [] });
    } finally {
      setBusy(undefined);
    }
  };
  const importRejections = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(String(response.status));
    return response.blob();
  };
  const percent = state?.progress.lines ? Math.floor((100 * state.progress.processed) / state.progress.lines) : 0;

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>名册导入</h2>}>
      <Space wrap>
        <label>
          选择名册文件（CSV，5 MB 以内，UTF-8 或 Excel 另存的 GBK 均可）：
          <input type="file" accept=".csv,text/csv,application/vnd.ms-excel" onChange={(e) => choose(e.target.files?.[0])} />
        </label>
        <Button disabled={!file || Boolean(importId)} loading={busy === 'dry-run'} onClick={() => void check()}>
          检查（试导入）
        </Button>
        <Button type="primary" disabled={!dryRun || Boolean(importId)} loading={busy === 'import'} onClick={() => void start()}>
          确认导入
        </Button>
      </Space>
      {problem && (
        <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginTop: 16 }} />
      )}
      {dryRun && !importId && (
        <section aria-label="试导入结果" style={{ marginTop: 16 }}>
          <Alert
            type={dryRun.rejectedCount > 0 ? 'warning' : 'success'}
            title={`试导入：共 ${dryRun.lines} 行，可导入 ${dryRun.wouldImport} 人，未通过 ${dryRun.rejectedCount} 行（文件编码 ${dryRun.encoding}）。尚未保存任何数据。`}
          />
          {dryRun.firstRows.length > 0 && (
            <Table<DryRun['firstRows'][number]>
              style={{ marginTop: 8 }}
              size="small"
              rowKey="line"
              pagination={false}
              caption={`将导入的前 ${dryRun.firstRows.length} 行`}
              dataSource={dryRun.firstRows}
              columns={[
                { title: '行号', dataIndex: 'line' },
                { title: '户编号', dataIndex: 'householdId' },
                { title: '姓名', dataIndex: 'name' },
                { title: '身份证号码', dataIndex: 'idNumberMasked' },
                { title: '类别', dataIndex: 'category', render: (c: DryRun['firstRows'][number]['category']) => categoryText[c] },
                { title: '乡镇', dataIndex: 'township' },
                { title: '月保障金', dataIndex: 'monthlyBenefitFen', render: yuan },
                { title: '起始日期', dataIndex: 'since' },
              ]}
            />
          )}
          {dryRun.rejected.length > 0 && (
            <>
              <Button
                style={{ marginTop: 16 }}
                onClick={() => void download(async () => new Blob([rejectionsCsv(dryRun.rejected)], { type: 'text/csv;charset=utf-8' }), '试导入未通过行.csv')}
              >
                下载试导入未通过的行（CSV）
              </Button>
              <RejectedLines rejected={dryRun.rejected} total={dryRun.rejectedCount} />
            </>
          )}
        </section>
      )}
      {state && (
        <section aria-label="导入结果" style={{ marginTop: 16 }}>
          <Descriptions bordered column={3}>
            <Descriptions.Item label="状态">{statusText[state.status]}</Descriptions.Item>
            <Descriptions.Item label="已导入">{state.imported} 人</Descriptions.Item>
            <Descriptions.Item label="未通过">{state.rejectedCount} 行</Descriptions.Item>
            <Descriptions.Item label="开始时间">{chinaTime(state.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="文件编码">{state.encoding ?? '—'}</Descriptions.Item>
          </Descriptions>
          {/* The API's own counts (progress.processed of progress.lines), polled each second. */}
          <div style={{ marginTop: 16 }}>
            <Progress
              percent={state.status === 'RUNNING' ? percent : 100}
              status={state.status === 'FAILED' ? 'exception' : state.status === 'RUNNING' ? 'active' : 'success'}
              aria-label="导入进度"
              format={() => (state.progress.lines === null ? '读取文件中' : `${state.progress.processed} / ${state.progress.lines} 行`)}
            />
          </div>
          {state.rejectionsCsvUrl && (
            <Button
              style={{ marginTop: 16 }}
              loading={busy === 'download'}
              onClick={() => void download(() => importRejections(state.rejectionsCsvUrl!), `导入未通过行-${state.importId}.csv`)}
            >
              下载全部未通过的行（CSV）
            </Button>
          )}
          {state.rejected.length > 0 && <RejectedLines rejected={state.rejected} total={state.rejectedCount} />}
        </section>
      )}
    </Card>
  );
}
