// What the application reads accept and who may call them (their handlers import this; the
// documentation is in ../applications.ts, which only the OpenAPI document loads). Apart from the
// writes' bodies (./applications.ts) so that a read builds none of them at import.
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';
import { pageQuerySchema } from '../../http/schemas.ts';
import { applicationStatuses, applicationTypes } from '../../domain/applications.ts';
import { textSchema } from '../../domain/values.ts';

export const staff = ['caseworker', 'reviewer'] as const;

export const idPathSchema = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const listApplicationsQuerySchema = z.extend(pageQuerySchema, {
  status: z.optional(z.enum(applicationStatuses)),
  township: z.optional(textSchema(100)),
  type: z.optional(z.enum(applicationTypes)),
  createdBy: z.withMeta(z.optional(textSchema(128)), { description: 'Addition to the contract: only applications filed by this subject (a "my applications" list passes its own `sub`).' }),
});
export type ListApplicationsQuery = z.output<typeof listApplicationsQuerySchema>;

export const getApplication = defineRequest({ roles: staff, path: idPathSchema });

export const getApplicationHistory = defineRequest({ roles: staff, path: idPathSchema, query: pageQuerySchema });

export const listApplications = defineRequest({ roles: staff, query: listApplicationsQuerySchema });
