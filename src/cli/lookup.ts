/**
 * Finds the partnership by its code and agencies, teams and areas by name (ignoring case),
 * with errors that say what exists instead.
 */
import type { Agency, Area, Partnership } from '../db/schema.js';
import * as repo from '../modules/partnership/repository.js';
import type { TeamRow } from '../modules/partnership/repository.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function existing(kind: string, names: string[]): string {
  if (names.length === 0) return ` It has no ${kind} yet.`;
  const shown = names.slice(0, 20).map((n) => `"${n}"`);
  return ` Its ${kind}: ${shown.join(', ')}${names.length > shown.length ? `, and ${names.length - shown.length} more` : ''}.`;
}

export async function partnershipByCode(ctx: CliContext, code: string): Promise<Partnership> {
  const found = await repo.findPartnershipByCode(ctx.db, code);
  if (!found) {
    throw new CliError(`No partnership with code ${code}. Add it first: assure partnership add --code ${code} --name NAME`);
  }
  return found;
}

export async function agencyByName(ctx: CliContext, partnership: Partnership, name: string): Promise<Agency> {
  const found = await repo.findAgencyByName(ctx.db, partnership.id, name.trim());
  if (found) return found;
  const all = await ctx.partnerships.listAgencies(ctx.actor(partnership.id));
  throw new CliError(`No agency called "${name}" in partnership ${partnership.code}.${existing('agencies', all.map((a) => a.name))}`);
}

export async function areaByName(ctx: CliContext, partnership: Partnership, name: string): Promise<Area> {
  const all = await ctx.partnerships.listAreas(ctx.actor(partnership.id));
  const found = all.find((a) => same(a.name, name));
  if (found) return found;
  throw new CliError(`No area called "${name}" in partnership ${partnership.code}.${existing('areas', all.map((a) => a.name))}`);
}

export async function teamByName(ctx: CliContext, partnership: Partnership, agency: Agency, name: string): Promise<TeamRow> {
  const all = (await ctx.partnerships.listTeams(ctx.actor(partnership.id))).filter((t) => t.agency_id === agency.id);
  const found = all.find((t) => same(t.name, name));
  if (found) return found;
  throw new CliError(
    `No team called "${name}" in agency "${agency.name}" of partnership ${partnership.code}.${existing('teams', all.map((t) => t.name))}`,
  );
}
