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
  /** The 30-second step of the last accepted code: a code is accepted once. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
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
  /** How the person proved who they are (migration 010). */
  sign_in_method: Generated<SignInMethod>;
}

export type SignInMethod = 'password' | 'single-sign-on';

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


// The child protection record (migration 002)

/** A calendar date as 'YYYY-MM-DD'. */
type DateString = string;
type Common = {
  partnership_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  created_by: string | null;
  version: Generated<number>;
};

export const CATEGORIES = ['NEG', 'PHY', 'EMO', 'SAB', 'MUL'] as const;
export type Category = (typeof CATEGORIES)[number];

type JsonWithDefault = ColumnType<Record<string, unknown>, string | undefined, string>;
type JsonListWithDefault = ColumnType<unknown[], string | undefined, string>;

export interface PartnershipSettingsTable {
  partnership_id: string;
  minutes_headings: Json;
  mandatory_minutes_checks: JsonListWithDefault;
  closure_days: JsonListWithDefault;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ChildrenTable extends Common {
  id: Generated<string>;
  la_child_id: string;
  upn: string | null;
  first_name: string;
  last_name: string;
  date_of_birth: DateString | null;
  expected_date_of_birth: DateString | null;
  sex: Generated<'male' | 'female' | 'not-known' | 'not-specified'>;
  ethnicity: string | null;
  disabilities: Generated<string[]>;
  area_id: string | null;
  team_id: string | null;
  lead_user_id: string | null;
  school_name: string | null;
  school_dsl_name: string | null;
  school_dsl_contact: string | null;
  /** Set when the record was anonymised under the partnership's retention rule (migration 011). */
  anonymised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface FamilyMembersTable extends Common {
  id: Generated<string>;
  child_id: string;
  name: string;
  relationship: string;
  lives_with_child: boolean;
  parental_responsibility: boolean;
  contact: string | null;
  notes: string | null;
}

export interface ReferralsTable extends Common {
  id: Generated<string>;
  child_id: string;
  received_on: DateString;
  source: string | null;
  primary_need: string | null;
  summary: string;
}

export interface StrategyDiscussionsTable extends Common {
  id: Generated<string>;
  child_id: string;
  referral_id: string | null;
  held_on: DateString;
  outcome: 'section-47' | 'no-further-action' | 'child-in-need' | 'other';
  notes: string | null;
}

export interface StrategyParticipantsTable {
  id: Generated<string>;
  partnership_id: string;
  strategy_discussion_id: string;
  agency_id: string;
  name: string;
  user_id: string | null;
}

export interface S47EnquiriesTable extends Common {
  id: Generated<string>;
  child_id: string;
  strategy_discussion_id: string | null;
  started_on: DateString;
  icpc_target_on: DateString | null;
  outcome: 'icpc' | 'no-icpc-cin' | 'no-icpc-nfa' | null;
  concluded_on: DateString | null;
}

export interface CpPlansTable extends Common {
  id: Generated<string>;
  child_id: string;
  started_on: DateString;
  ended_on: DateString | null;
  initial_category: Category;
  latest_category: Category;
  previous_plans: number;
  end_reason: string | null;
  cin_plan: string | null;
  no_cin_plan_reason: string | null;
  started_by_conference_id: string | null;
  ended_by_conference_id: string | null;
}

export const CONFERENCE_KINDS = ['initial', 'review', 'transfer-in', 'pre-birth'] as const;
export type ConferenceKind = (typeof CONFERENCE_KINDS)[number];
export const CONFERENCE_ATTENDANCE = ['attended', 'apologies-report', 'apologies-no-report', 'did-not-attend', 'not-invited'] as const;

export interface ConferencesTable extends Common {
  id: Generated<string>;
  child_id: string;
  kind: ConferenceKind;
  s47_id: string | null;
  plan_id: string | null;
  scheduled_on: DateString;
  held_on: DateString | null;
  chair_user_id: string | null;
  status: Generated<'scheduled' | 'completed' | 'cancelled'>;
  decision: 'plan' | 'no-plan' | 'continue' | 'end' | null;
  categories: Generated<string[]>;
  rationale: string | null;
  dissent: string | null;
  cin_plan: string | null;
  no_cin_plan_reason: string | null;
  completed_at: Timestamp | null;
}

export interface ConferenceInviteesTable {
  id: Generated<string>;
  partnership_id: string;
  conference_id: string;
  agency_id: string | null;
  name: string;
  user_id: string | null;
  is_parent: Generated<boolean>;
  attendance: (typeof CONFERENCE_ATTENDANCE)[number] | null;
  report_received: Generated<boolean>;
}

export interface CoreGroupMembersTable extends Common {
  id: Generated<string>;
  child_id: string;
  user_id: string | null;
  name: string;
  agency_id: string | null;
  role: string;
  is_parent: Generated<boolean>;
  joined_on: DateString;
  left_on: DateString | null;
  left_reason: string | null;
}

export const MEETING_ATTENDANCE = ['present', 'apologies-report', 'apologies-no-report', 'not-invited'] as const;

export interface CoreGroupMeetingsTable extends Common {
  id: Generated<string>;
  child_id: string;
  plan_id: string;
  held_on: DateString;
  chair_user_id: string | null;
  chair_is_manager: Generated<boolean>;
  status: Generated<'draft' | 'finalised'>;
  minutes: JsonWithDefault;
  safety_scale: number | null;
  parents_attendance: string | null;
  absent_parent_consideration: string | null;
  /** How the child's and family's own views, sent for this meeting, were considered. */
  views_considered: string | null;
  membership_confirmed: Generated<boolean>;
  finalised_at: Timestamp | null;
  finalised_by: string | null;
  shared_professionals_on: DateString | null;
  family_copy: string | null;
  shared_family_on: DateString | null;
}

export interface MeetingAttendanceTable {
  id: Generated<string>;
  partnership_id: string;
  meeting_id: string;
  member_id: string;
  attendance: (typeof MEETING_ATTENDANCE)[number];
}

export interface MinutesAgreementsTable {
  id: Generated<string>;
  partnership_id: string;
  meeting_id: string;
  user_id: string;
  agrees: boolean;
  comment: string | null;
  recorded_at: CreatedAt;
}

export interface PlanOutcomesTable extends Common {
  id: Generated<string>;
  plan_id: string;
  child_id: string;
  title: string;
  position: Generated<number>;
  removed_at: Timestamp | null;
}

export const ACTION_STATUSES = ['not-started', 'in-progress', 'done', 'not-done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface PlanActionsTable extends Common {
  id: Generated<string>;
  plan_id: string;
  child_id: string;
  outcome_id: string;
  what: string;
  owner_user_id: string | null;
  owner_name: string;
  owner_agency_id: string;
  due_on: DateString;
  done_measure: string;
  worked_measure: string;
  status: Generated<ActionStatus>;
  removed_at: Timestamp | null;
  /** When the action was first recorded as done (the earliest 'done' update), kept by a trigger (migration 020): never written here. */
  done_at: ColumnType<Date | null, never, never>;
}

export interface ActionUpdatesTable {
  id: Generated<string>;
  partnership_id: string;
  action_id: string;
  status: string;
  note: string;
  meeting_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ActionReviewsTable {
  id: Generated<string>;
  partnership_id: string;
  meeting_id: string;
  action_id: string;
  status: 'done' | 'in-progress' | 'not-done';
  comment: string;
}

export interface PlanVersionsTable {
  id: Generated<string>;
  partnership_id: string;
  plan_id: string;
  number: number;
  snapshot: Json;
  summary: string;
  meeting_id: string | null;
  conference_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export const VOICE_KINDS = ['said', 'observation', 'submission', 'advocate'] as const;

export interface VoiceEntriesTable extends Common {
  id: Generated<string>;
  child_id: string;
  kind: (typeof VOICE_KINDS)[number];
  recorded_on: DateString;
  content: string;
  how: string | null;
  heard_by_user_id: string | null;
  heard_by_name: string | null;
  seen_alone: boolean | null;
  meeting_id: string | null;
  conference_id: string | null;
}

export interface EscalationsTable extends Common {
  id: Generated<string>;
  child_id: string;
  raised_by_agency_id: string;
  about_agency_id: string;
  concern: string;
  desired_outcome: string | null;
  stage: Generated<number>;
  stage_started_on: DateString;
  response_due_on: DateString;
  status: Generated<'open' | 'resolved' | 'withdrawn'>;
  outcome: string | null;
  learning: string | null;
  resolved_on: DateString | null;
}

export interface EscalationEventsTable {
  id: Generated<string>;
  partnership_id: string;
  escalation_id: string;
  stage: number;
  kind: 'raised' | 'response' | 'escalated' | 'resolved' | 'withdrawn';
  note: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface CaseEntriesTable extends Common {
  id: Generated<string>;
  child_id: string;
  kind: string;
  occurred_on: DateString;
  due_on: DateString | null;
  data: Json;
  author_agency_id: string | null;
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
  partnership_settings: PartnershipSettingsTable;
  children: ChildrenTable;
  family_members: FamilyMembersTable;
  referrals: ReferralsTable;
  strategy_discussions: StrategyDiscussionsTable;
  strategy_participants: StrategyParticipantsTable;
  s47_enquiries: S47EnquiriesTable;
  cp_plans: CpPlansTable;
  conferences: ConferencesTable;
  conference_invitees: ConferenceInviteesTable;
  core_group_members: CoreGroupMembersTable;
  core_group_meetings: CoreGroupMeetingsTable;
  meeting_attendance: MeetingAttendanceTable;
  minutes_agreements: MinutesAgreementsTable;
  plan_outcomes: PlanOutcomesTable;
  plan_actions: PlanActionsTable;
  action_updates: ActionUpdatesTable;
  action_reviews: ActionReviewsTable;
  plan_versions: PlanVersionsTable;
  voice_entries: VoiceEntriesTable;
  escalations: EscalationsTable;
  escalation_events: EscalationEventsTable;
  case_entries: CaseEntriesTable;
  standard_definitions: StandardDefinitionsTable;
  standard_exceptions: StandardExceptionsTable;
  standard_results: StandardResultsTable;
  standard_evaluations: StandardEvaluationsTable;
  partnership_versions: PartnershipVersionsTable;
  audit_tools: AuditToolsTable;
  audits: AuditsTable;
  audit_cases: AuditCasesTable;
  audit_assignments: AuditAssignmentsTable;
  audit_answers: AuditAnswersTable;
  audit_themes: AuditThemesTable;
  audit_theme_tags: AuditThemeTagsTable;
  retention_rules: RetentionRulesTable;
  retention_reviews: RetentionReviewsTable;
  learning_reviews: LearningReviewsTable;
  review_recommendations: ReviewRecommendationsTable;
  briefing_recipients: BriefingRecipientsTable;
  learning_actions: LearningActionsTable;
  learning_action_updates: LearningActionUpdatesTable;
  sso_settings: SsoSettingsTable;
  sso_identities: SsoIdentitiesTable;
  sso_attempts: SsoAttemptsTable;
}

// Single sign-on (migration 010)

export const SSO_MATCH_BY = ['email', 'subject'] as const;
export type SsoMatchBy = (typeof SSO_MATCH_BY)[number];

/** A partnership's OpenID Connect provider. The client secret is never stored: only the name of the environment variable holding it. */
export interface SsoSettingsTable {
  partnership_id: string;
  enabled: boolean;
  issuer_url: string;
  client_id: string;
  /** The NAME of the server's environment variable holding the client secret; null for a public client (PKCE alone). */
  client_secret_env: string | null;
  match_by: SsoMatchBy;
  /** false: the partnership's users may not sign in with a password (single sign-on only). */
  password_sign_in: boolean;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** An Assure user linked to a subject (the `sub` claim) at a provider. */
export interface SsoIdentitiesTable {
  id: Generated<string>;
  partnership_id: string;
  user_id: string;
  issuer_url: string;
  subject: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
}

/** A sign-in sent to the provider and not yet back: looked up by the SHA-256 of the browser's cookie, used once. */
export interface SsoAttemptsTable {
  id_hash: string;
  partnership_id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  next: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

// Practice standards (migration 004)

type JsonValue = ColumnType<unknown, string, string>;

export interface StandardDefinitionsTable {
  id: Generated<string>;
  partnership_id: string;
  key: string;
  name: string;
  checks: string;
  kind: Generated<'timescale' | 'flag'>;
  source: 'statutory' | 'local';
  citation: string;
  parameters: Json;
  severity: 'high' | 'medium' | 'low';
  effective_from: DateString;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface StandardExceptionsTable {
  id: Generated<string>;
  partnership_id: string;
  child_id: string;
  standard_key: string;
  reason: string;
  created_by: string | null;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface StandardResultsTable {
  partnership_id: string;
  child_id: string;
  standard_key: string;
  status: 'met' | 'met-late' | 'due' | 'overdue' | 'missed' | 'not-applicable' | 'excepted';
  due_on: DateString | null;
  flagged: Generated<boolean>;
  reason: string | null;
  evidence: JsonValue;
  evaluated_at: Timestamp;
  /** The child's area and team and its lead practitioner's agency, the groups it is counted in (migration 017). */
  area_id: string | null;
  team_id: string | null;
  agency_id: string | null;
}

/** Until when a child's stored results hold, and what they were worked out on (migration 018). */
export interface StandardEvaluationsTable {
  child_id: string;
  partnership_id: string;
  /** A digest of the engine's version, the partnership's rule versions and closure days, and the bank holidays. */
  basis: string;
  /** The last day the results hold with the same facts; null: every later day. */
  holds_until: DateString | null;
  evaluated_at: Timestamp;
}

/** A number that goes up whenever any of the partnership's children's records or results change (migration 019). */
export interface PartnershipVersionsTable {
  partnership_id: string;
  records_version: Generated<number>;
}

// Case audits (migration 009)

export const AUDIT_STATUSES = ['planning', 'running', 'moderation', 'completed'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

export interface AuditToolsTable {
  id: Generated<string>;
  partnership_id: string | null;
  key: string;
  version: number;
  name: string;
  definition: JsonValue;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface AuditsTable {
  id: Generated<string>;
  partnership_id: string;
  tool_id: string;
  title: string;
  purpose: string | null;
  status: AuditStatus;
  source: Generated<'assure' | 'import'>;
  cohort: JsonValue;
  sample: JsonValue;
  auditors_per_case: Generated<number>;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AuditCasesTable {
  id: Generated<string>;
  audit_id: string;
  child_id: string | null;
  case_ref: string;
  area: string | null;
  team: string | null;
  agencies: Generated<string[]>;
}

export interface AuditAssignmentsTable {
  id: Generated<string>;
  audit_case_id: string;
  user_id: string;
  assigned_at: Generated<Date>;
  submitted_at: Timestamp | null;
}

export interface AuditAnswersTable {
  id: Generated<string>;
  audit_case_id: string;
  kind: 'auditor' | 'agreed';
  author_user_id: string | null;
  question_key: string;
  answer: string | null;
  comment: string | null;
  prefilled: string | null;
  evidence: JsonValue | null;
  reason: string | null;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface AuditThemesTable {
  id: Generated<string>;
  audit_id: string;
  kind: 'strength' | 'improvement';
  name: string;
}

export interface AuditThemeTagsTable {
  theme_id: string;
  answer_id: string;
}

// Learning reviews and action plans (migration 012)

export const REVIEW_KINDS = ['rapid-review', 'lcspr', 'thematic-audit', 'single-agency-review', 'multi-agency-audit'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export const ACTION_LEVELS = ['partnership', 'agency', 'team'] as const;
export type ActionLevel = (typeof ACTION_LEVELS)[number];
export const LEARNING_ACTION_STATUSES = ['open', 'in-progress', 'done'] as const;
export type LearningActionStatus = (typeof LEARNING_ACTION_STATUSES)[number];

export interface LearningReviewsTable {
  id: Generated<string>;
  partnership_id: string;
  kind: ReviewKind;
  title: string;
  subject: string;
  source_audit_id: string | null;
  notified_on: DateString | null;
  started_on: DateString;
  background: Generated<string>;
  concerns: Generated<string>;
  incident: Generated<string>;
  themes: JsonValue;
  findings: JsonValue;
  implementing_change: Generated<string>;
  status: Generated<'draft' | 'published'>;
  published_at: Timestamp | null;
  published_by: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ReviewRecommendationsTable {
  id: Generated<string>;
  partnership_id: string;
  review_id: string;
  position: number;
  text: string;
  agency_ids: Generated<string[]>;
}

export interface BriefingRecipientsTable {
  id: Generated<string>;
  partnership_id: string;
  review_id: string;
  team_id: string;
  sent_at: Generated<Date>;
  sent_by: string | null;
  discussion: string | null;
  responded_at: Timestamp | null;
  responded_by: string | null;
  version: Generated<number>;
}

export interface LearningActionsTable {
  id: Generated<string>;
  partnership_id: string;
  review_id: string | null;
  recommendation_id: string | null;
  level: ActionLevel;
  agency_id: string | null;
  team_id: string | null;
  what: string;
  who: string;
  owner_user_id: string | null;
  due_on: DateString;
  done_when: string;
  worked_when: string;
  status: Generated<LearningActionStatus>;
  done_evidence: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  measure: JsonValue | null;
  baseline: number | null;
  baseline_cases: number | null;
  target: number | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface LearningActionUpdatesTable {
  id: Generated<string>;
  partnership_id: string;
  action_id: string;
  author_user_id: string | null;
  text: string;
  evidence: string | null;
  created_at: CreatedAt;
}

// Retention of closed records (migration 011)

export const RETENTION_STATUSES = ['due', 'anonymised', 'kept', 'withdrawn'] as const;
export type RetentionStatus = (typeof RETENTION_STATUSES)[number];

export interface RetentionRulesTable {
  partnership_id: string;
  years_after_closure: number;
  /** The age the child must have reached before the record is reviewed; null: no minimum. */
  minimum_age: number | null;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface RetentionReviewsTable {
  id: Generated<string>;
  partnership_id: string;
  child_id: string;
  status: Generated<RetentionStatus>;
  closed_on: DateString;
  due_on: DateString;
  marked_at: Generated<Date>;
  reason: string | null;
  review_again_on: DateString | null;
  decided_by: string | null;
  decided_by_actor: string | null;
  decided_at: Timestamp | null;
  version: Generated<number>;
}

export type Partnership = Selectable<PartnershipsTable>;
export type Area = Selectable<AreasTable>;
export type Agency = Selectable<AgenciesTable>;
export type Team = Selectable<TeamsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type SsoSettings = Selectable<SsoSettingsTable>;
export type SsoIdentity = Selectable<SsoIdentitiesTable>;
export type AccessLogRow = Selectable<AccessLogTable>;

export type Child = Selectable<ChildrenTable>;
export type CpPlan = Selectable<CpPlansTable>;
export type Conference = Selectable<ConferencesTable>;
export type CoreGroupMember = Selectable<CoreGroupMembersTable>;
export type CoreGroupMeeting = Selectable<CoreGroupMeetingsTable>;
export type PlanOutcome = Selectable<PlanOutcomesTable>;
export type PlanAction = Selectable<PlanActionsTable>;
