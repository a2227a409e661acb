/**
 * Table types for Kysely. Every table but `partnerships` (whose id is the tenant key)
 * carries partnership_id, so a deployment can be distributed by tenant.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

export const ROLES = [
  'practitioner',
  'team-manager',
  'conference-chair',
  'auditor',
  'qa-lead',
  'partnership-admin',
] as const;
export type Role = (typeof ROLES)[number];

export const AGENCY_TYPES = [
  'childrens-social-care',
  'police',
  'health',
  'education',
  'gp',
  'probation',
  'housing',
  'voluntary',
  'other',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

export interface PartnershipsTable {
  id: Generated<string>;
  code: string;
  name: string;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AreasTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AgenciesTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  type: AgencyType;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface TeamsTable {
  id: Generated<string>;
  partnership_id: string;
  agency_id: string;
  area_id: string | null;
  name: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface UsersTable {
  id: Generated<string>;
  partnership_id: string;
  agency_id: string;
  team_id: string | null;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  disabled_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface SessionsTable {
  id_hash: string;
  partnership_id: string;
  user_id: string;
  /** true between a correct password and a correct second-factor code */
  second_factor_pending: boolean;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  partnership_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** The first characters of the token, to recognise it in a list. */
  prefix: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/**
 * Failed sign-ins counted by e-mail address (hashed), whether or not an account exists,
 * so lockout reveals nothing. partnership_id is filled when the address belongs to a user.
 */
export interface SignInThrottleTable {
  email_hash: string;
  partnership_id: string | null;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface AccessLogTable {
  id: Generated<number>;
  partnership_id: string;
  at: Timestamp;
  user_id: string | null;
  actor: string;
  action: string;
  record_type: string;
  record_id: string;
  /** The child the record is about, when it is about a child; lets "who looked at this child" be one query. */
  subject_id: string | null;
  request_id: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface Database {
  partnerships: PartnershipsTable;
  areas: AreasTable;
  agencies: AgenciesTable;
  teams: TeamsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttle: SignInThrottleTable;
  access_log: AccessLogTable;
}

export type Partnership = Selectable<PartnershipsTable>;
export type Area = Selectable<AreasTable>;
export type Agency = Selectable<AgenciesTable>;
export type Team = Selectable<TeamsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type AccessLogRow = Selectable<AccessLogTable>;
