import { describe, expect, it } from 'vitest';
import { wholeFileRejection } from '../../../shared/domain/payouts/whole-file-rejection.ts';

const report = (group: string, body = '') => `<?xml version="1.0" encoding="UTF-8"?>
<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><p:CstmrPmtStsRpt>
  <p:GrpHdr><p:MsgId>RPT-9</p:MsgId></p:GrpHdr>
  <p:OrgnlGrpInfAndSts><p:OrgnlMsgId>pb_123</p:OrgnlMsgId><p:OrgnlMsgNmId>pain.001.001.09</p:OrgnlMsgNmId>
    <p:GrpSts>${group}</p:GrpSts><p:StsRsnInf><p:Rsn><p:Cd>DUPL</p:Cd></p:Rsn></p:StsRsnInf></p:OrgnlGrpInfAndSts>
  ${body}
</p:CstmrPmtStsRpt></p:Document>`;

describe('a status report that rejects the whole file', () => {
  it('is a pain.002 with group status RJCT and no transaction, naming the file it rejects', () => {
    expect(wholeFileRejection(report('RJCT'))).toEqual({ originalMessageId: 'pb_123', reasonCode: 'DUPL' });
  });

  it('is not a report that lists transactions, another group status, or a CSV', () => {
    const tx = '<p:OrgnlPmtInfAndSts><p:TxInfAndSts><p:OrgnlEndToEndId>E1</p:OrgnlEndToEndId><p:TxSts>RJCT</p:TxSts></p:TxInfAndSts></p:OrgnlPmtInfAndSts>';
    expect(wholeFileRejection(report('RJCT', tx))).toBeNull();
    expect(wholeFileRejection(report('PART'))).toBeNull();
    expect(wholeFileRejection(report('ACCP'))).toBeNull();
    expect(wholeFileRejection('endToEndId,status,reason\nE1,RJCT,closed')).toBeNull();
  });
});
