// Each role's name in Chinese: no imports, so the browser tests' helper reads it too.
export const roleText = { caseworker: '乡镇经办人', reviewer: '县级审核人', finance: '财务', hospital: '定点医院' } as const;
