import { httpRoute } from '../../shared/http/route.ts';
import { getOpenApi, openApiDocument } from '../../shared/api/openapi.ts';

const document = openApiDocument();

export const handler = httpRoute({ ...getOpenApi, handle: async () => ({ status: 200, body: document }) });
