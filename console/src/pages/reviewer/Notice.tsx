// 公示: the masked public notice as the API wrote it, laid out for an A4 sheet on a village
// notice board; the browser's print (or "save as PDF") prints just the sheet.
import { Alert, Button, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client.ts';
import { showProblem } from '../../errors.ts';

const printStyle = `
@page { size: A4; margin: 20mm; }
@media print { .no-print { display: none !important; } body { background: #fff; } }
.notice-sheet { width: 170mm; min-height: 257mm; margin: 0 auto; padding: 10mm; background: #fff; color: #000;
  font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; }
.notice-sheet h1 { text-align: center; font-size: 28pt; letter-spacing: 1em; margin: 0 0 8mm; }
.notice-sheet pre { white-space: pre-wrap; font-family: inherit; font-size: 14pt; line-height: 1.8; }
`;

export function Notice() {
  const { id = '' } = useParams();
  const [text, setText] = useState<string>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    void (async () => {
      const { data, error, response } = await api.GET('/applications/{id}', { params: { path: { id } } });
      if (!data) return setProblem(showProblem(error, response.status).summary);
      if (!data.noticeDocumentUrl) return setProblem('此申请没有公示（只有批准后公示期内的纳入类申请有公示）');
      const notice = await fetch(data.noticeDocumentUrl);
      if (!notice.ok) return setProblem('公示文件暂时无法读取，请刷新重试');
      setText(await notice.text());
    })();
  }, [id]);
  return (
    <main>
      <style>{printStyle}</style>
      <div className="no-print" style={{ padding: 16, textAlign: 'center' }}>
        <Link to={`/applications/${id}`} style={{ marginRight: 16 }}>
          返回申请
        </Link>
        <Button type="primary" onClick={() => window.print()} disabled={!text}>
          打印公示
        </Button>
      </div>
      {problem && <Alert type="error" title={problem} />}
      {!text && !problem && <Spin aria-label="加载中" />}
      {text && (
        <article className="notice-sheet" aria-label="公示">
          <h1>公示</h1>
          <pre>{text}</pre>
        </article>
      )}
    </main>
  );
}
