import { z } from 'zod';
import { AGENCY_TYPES, ROLES } from '../../db/schema.js';
import { checkbox, email, id, optionalId, pageNumber, text, version } from '../../lib/validation.js';

export const AGENCY_TYPE_LABELS: Record<(typeof AGENCY_TYPES)[number], string> = {
  'childrens-social-care': "Children's social care",
  police: 'Police',
  health: 'Health',
  education: 'Education',
  gp: 'GP',
  probation: 'Probation',
  housing: 'Housing',
  voluntary: 'Voluntary sector',
  other: 'Other',
};

export const ROLE_LABELS: Record<(typeof ROLES)[number], string> = {
  practitioner: 'Practitioner',
  'team-manager': 'Team manager',
  'conference-chair': 'Conference chair',
  auditor: 'Auditor',
  'qa-lead': 'Quality-assurance lead',
  'partnership-admin': 'Partnership admin',
};

export const partnershipCode = z
  .string({ error: 'Enter the local authority code' })
  .trim()
  .regex(/^[0-9A-Za-z-]{1,12}$/, 'The local authority code must be 1 to 12 letters, digits or hyphens, like 916');

export const newPartnershipSchema = z.strictObject({ code: partnershipCode, name: text('the partnership name') });

export const areaSchema = z.strictObject({ name: text('the name of the area', 100) });

export const agencyType = z.enum(AGENCY_TYPES, { error: 'Select the type of agency' });

export const agencySchema = z.strictObject({ name: text('the name of the agency'), type: agencyType });
export const agencyUpdateSchema = agencySchema.extend({ version });

export const teamSchema = z.strictObject({
  name: text('the name of the team'),
  agencyId: id('the agency the team belongs to'),
  areaId: optionalId('an area').optional().default(null),
});

export const role = z.enum(ROLES, { error: 'Select a role' });

export const userSchema = z.strictObject({
  name: text('the person’s full name'),
  email: email(),
  role,
  agencyId: id('the person’s agency'),
  teamId: optionalId('a team').optional().default(null),
});
export const userUpdateSchema = userSchema.extend({ disabled: checkbox.optional().default(false), version });

export const paging = z.object({
  page: pageNumber,
  q: z.string().trim().max(200, 'Search must be 200 characters or fewer').optional(),
});

export type AgencyInput = z.output<typeof agencySchema>;
export type TeamInput = z.output<typeof teamSchema>;
export type UserInput = z.output<typeof userSchema>;
export type UserUpdateInput = z.output<typeof userUpdateSchema>;
