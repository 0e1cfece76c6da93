// npm run openapi: writes openapi.json, the committed copy of the generated document.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../shared/api/openapi.ts';

writeFileSync(new URL('../openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log('wrote openapi.json');
