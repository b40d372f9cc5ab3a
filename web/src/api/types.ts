/** Names for the API's schemas the console uses (all generated in schema.d.ts). */
import type { components } from './schema';

type S = components['schemas'];
export type Case = S['Case'];
export type CaseType = S['CaseType'];
export type CaseField = S['CaseType']['fields'][number];
export type Condition = S['Condition'];
export type Comment = S['Comment'];
export type FieldValue = S['FieldValue'];
export type Suggestions = S['Suggestions'];
export type TransitionOptions = S['TransitionOptions'];
export type AuditEvent = S['AuditEvent'];
export type SlaClock = S['SlaClock'];
export type Attachment = S['Attachment'];
export type GrantedUpload = S['GrantedUpload'];
