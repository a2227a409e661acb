/**
 * A partnership's own audit tools: the definition as the form takes it (questions as CSV, every
 * problem named by field, line and column), made and versioned through the pages (without
 * JavaScript) and the API, and an audit planned on version 1 keeping version 1's questions after
 * version 2 is published.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { buildTestApp, type Agent, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AuditConduct } from './conduct.js';
import { AuditsService } from './service.js';
import { formOf, questionsCsv, toolFromForm, type ToolForm } from './tool-definition.js';
import { CORE_GROUP_THEMATIC, CP_MULTI_AGENCY, optionsOf, questionsOf, type ToolDefinition, validateTool } from './tools.js';

const HEADER = 'domain_key,domain_name,key,type,text,options,guidance,headline,prefill';
const QUESTIONS_V1 = [
  HEADER,
  'voice,The child’s voice,voice_heard,yes-partly-no,Was the child seen and heard?,,,,childs-voice-recorded',
  'voice,,voice_grade,grade,How well was the child’s voice heard?,,Seen alone; words recorded,yes,',
  'neglect,Neglect,home_conditions,choice,How were home conditions?,Improved|Unchanged|Worse,,yes,',
  'neglect,,visits,number,How many home visits in the last 3 months?,,,,',
  'neglect,,neglect_comments,text,Strengths and areas for improvement,,No names,,',
].join('\n');

const form = (over: Partial<ToolForm> = {}): ToolForm => ({
  key: 'neglect-thematic',
  name: 'Neglect thematic audit',
  description: 'Children on plans under neglect',
  scale: 'custom',
  scaleOptions: 'Strong\nSecure\nWeak',
  questions: QUESTIONS_V1,
  ...over,
});

const fieldsOf = (fn: () => unknown): Record<string, string> => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).fields;
  }
  throw new Error('accepted');
};

describe('an audit tool as the form defines it', () => {
  it('reads domains, every type of question, a custom scale, options, guidance, headline and prefill', () => {
    const tool = toolFromForm(form());
    expect(tool.scale).toBe('custom');
    expect(tool.scaleOptions).toEqual(['Strong', 'Secure', 'Weak']);
    expect(tool.domains.map((d) => [d.key, d.name, d.questions.length])).toEqual([
      ['voice', 'The child’s voice', 2],
      ['neglect', 'Neglect', 3],
    ]);
    const q = Object.fromEntries(questionsOf(tool).map((x) => [x.key, x]));
    expect(optionsOf(tool, q.voice_grade!)).toEqual(['Strong', 'Secure', 'Weak']);
    expect(q.voice_grade!.headline).toBe(true);
    expect(q.voice_grade!.guidance).toBe('Seen alone; words recorded');
    expect(q.voice_heard!.prefill).toBe('childs-voice-recorded');
    expect(optionsOf(tool, q.home_conditions!)).toEqual(['Improved', 'Unchanged', 'Worse']);
    expect(optionsOf(tool, q.visits!)).toEqual([]);
    // the inspection scale
    const inspection = toolFromForm(form({ scale: 'inspection', scaleOptions: '' }));
    expect(optionsOf(inspection, q.voice_grade!)).toEqual(['Outstanding', 'Good', 'Requires improvement to be good', 'Inadequate']);
  });

  it('gives back the built-in tools unchanged from their own CSV (a copy starts from the same questions)', () => {
    for (const tool of [CP_MULTI_AGENCY, CORE_GROUP_THEMATIC]) {
      expect(toolFromForm(formOf(tool))).toEqual(JSON.parse(JSON.stringify(tool)));
    }
    expect(questionsCsv(CP_MULTI_AGENCY).split('\r\n')[0]).toBe(HEADER);
  });

  it('names the field, and in the questions the line and column, of every problem', () => {
    expect(fieldsOf(() => toolFromForm(form({ key: 'Bad Key', name: ' ', scale: 'custom', scaleOptions: 'Only one' })))).toEqual({
      key: 'Enter a key of 2 to 63 lower-case letters, digits and hyphens, starting with a letter',
      name: 'Enter the tool’s name',
      scaleOptions: 'Give the scale at least two options',
    });
    expect(fieldsOf(() => toolFromForm(form({ scale: '' }))).scale).toBe('Select a scale: the default, the inspection scale or the tool’s own');
    const bad = [
      HEADER,
      'voice,Voice,voice_heard,yes-maybe,Was the child seen?,,,,',
      'voice,Voice,voice_heard,text,Again,,,,',
      'neglect,Neglect,home,choice,Home?,Only,,,',
      'neglect,Other name,area,number,Area?,,,sometimes,nonsense',
      'neglect,,ok_q,grade,,,,,',
    ].join('\n');
    const message = fieldsOf(() => toolFromForm(form({ questions: bad }))).questions!;
    expect(message).toContain('line 2, column 4 (type): type must be one of grade, yes-partly-no, meets, number, choice, text, not “yes-maybe”');
    expect(message).toContain('line 3, column 3 (key): the key voice_heard is used twice');
    expect(message).toContain('line 4, column 6 (options): give a choice question at least two options');
    expect(message).toContain('line 5, column 2 (domain_name): the domain neglect is called “Neglect” on an earlier line');
    expect(message).toContain('line 5, column 3 (key): the key area is kept for the case’s own details: choose another');
    expect(message).toContain('line 5, column 8 (headline): headline is yes or empty');
    expect(message).toContain('line 5, column 9 (prefill): prefill is empty or one of');
    expect(message).toContain('line 6, column 5 (text): enter the question');
    expect(fieldsOf(() => toolFromForm(form({ questions: '' }))).questions).toBe('Enter the questions: a first line of column names, then one line for each question');
    expect(fieldsOf(() => toolFromForm(form({ questions: 'domain,key\nx,y' }))).questions).toContain('line 1, column 1 (domain): domain is not a column of the questions');
    expect(fieldsOf(() => toolFromForm(form({ questions: HEADER }))).questions).toContain('there are column names but no questions');
    expect(fieldsOf(() => toolFromForm(form({ questions: `${HEADER}\nvoice,Voice,q1,text` }))).questions).toBe('The questions: line 2: has 4 values; the first line has 9');
  });
});

describe('a hostile tool definition', () => {
  const onlyValidationErrors = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
    }
  };
  const anything = fc.anything({ maxDepth: 4 });
  it('is refused with field errors, never another error (JSON from the command line or the API)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          fc.record({ key: anything, name: anything, description: anything, scale: anything, scaleOptions: anything, domains: anything }),
          fc.record({ key: fc.constant('ok-key'), name: fc.constant('N'), scale: fc.constantFrom('default', 'custom'), domains: fc.array(fc.record({ key: anything, name: anything, questions: fc.array(fc.record({ key: anything, text: anything, type: anything, options: anything, prefill: anything, headline: anything })) })) }),
        ),
        (raw) => onlyValidationErrors(() => validateTool(raw as ToolDefinition)),
      ),
      { seed: 5, numRuns: 500 },
    );
  });
  it('as the form posts it is refused with field errors, never another error', () => {
    fc.assert(
      fc.property(fc.record({ key: fc.string(), name: fc.string(), description: fc.string(), scale: fc.string(), scaleOptions: fc.string(), questions: fc.oneof(fc.string(), fc.constant(HEADER).chain((h) => fc.array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }), { maxLength: 5 }).map((rows) => [h, ...rows.map((r) => r.join(','))].join('\n')))) }), (form) =>
        onlyValidationErrors(() => toolFromForm(form)),
      ),
      { seed: 6, numRuns: 500 },
    );
  });
});

describe('making and versioning a partnership’s audit tools', () => {
  let t: TestApp;
  let f: Fixture;
  let audits: AuditsService;
  let conduct: AuditConduct;
  let qa: Agent;
  let token: string;

  const partnershipTools = () => t.database.db.selectFrom('audit_tools').select(['key', 'version']).where('partnership_id', '=', f.partnershipId).orderBy('version').execute();
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

  beforeAll(async () => {
    t = await buildTestApp();
    const db = t.database.db;
    f = await makePartnership(db, '935');
    const accessLog = new AccessLogService(db, t.clock);
    audits = new AuditsService(db, t.clock, accessLog);
    conduct = new AuditConduct(db, t.clock, accessLog, audits);
    for (let i = 0; i < 3; i++) await makeChildOnPlan(t, f, { firstName: `Tool${i}`, lastName: 'Child', laChildId: `TOOL${i}` });
    qa = t.agent();
    await qa.signIn(f.users.qa!.email, PASSWORD);
    const auth = new AuthService(db, t.clock, t.config, accessLog);
    token = (await auth.createToken({ id: f.users.admin!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a bad tool with the error summary naming each field, writing nothing; makes a good one', async () => {
    expect((await qa.get('/audits/tools')).statusCode).toBe(200);
    const blank = await qa.get('/audits/tools/new');
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain(HEADER);
    const bad = await qa.post('/audits/tools/new', { ...form({ key: 'cp-multi-agency', scaleOptions: 'One' }), questions: QUESTIONS_V1.replace('choice', 'pick') });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error:');
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#scaleOptions"');
    expect(bad.body).toContain('href="#questions"');
    expect(bad.body).toContain('line 4, column 4 (type)');
    expect(bad.body).toContain('Neglect thematic audit'); // the values entered are shown again
    expect(await partnershipTools()).toEqual([]);
    // a built-in tool's key is refused once the rest is right
    const builtIn = await qa.post('/audits/tools/new', { ...form({ key: 'cp-multi-agency' }) });
    expect(builtIn.statusCode).toBe(400);
    expect(builtIn.body).toContain('cp-multi-agency is a built-in tool’s key: choose another');
    const made = await qa.post('/audits/tools/new', { ...form() });
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe('/audits/tools/neglect-thematic?published=1');
    const page = await qa.get('/audits/tools/neglect-thematic?published=1');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Version 1 is published');
    expect(page.body).toContain('Strong, Secure, Weak');
    const again = await qa.post('/audits/tools/new', { ...form() });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('The partnership already has a tool with the key neglect-thematic');
    expect(await partnershipTools()).toEqual([{ key: 'neglect-thematic', version: 1 }]);
    // a built-in tool has no new version here; copying it is the way to change it
    expect((await qa.get('/audits/tools/cp-multi-agency/versions/new')).statusCode).toBe(404);
    const copy = await qa.get('/audits/tools/new?from=cp-multi-agency');
    expect(copy.body).toContain('cp-multi-agency-local');
    expect(copy.body).toContain('risk_identification');
    // people who do not run audits cannot reach the tools
    const worker = t.agent();
    await worker.signIn(f.users.worker!.email, PASSWORD);
    expect((await worker.get('/audits/tools')).statusCode).toBe(403);
    expect((await worker.post('/audits/tools/new', { ...form({ key: 'by-worker' }) })).statusCode).toBe(403);
    expect(await partnershipTools()).toHaveLength(1);
  }, 60_000);

  it('keeps version 1’s questions for an audit planned on it after version 2 is published', async () => {
    const qaActor = userActor(await t.database.db.selectFrom('users').selectAll().where('id', '=', f.users.qa!.id).executeTakeFirstOrThrow());
    const planned = await conduct.plan(qaActor, { title: 'Neglect, November 2026', tool: 'neglect-thematic', onDate: '2026-11-02', strategy: 'all', auditorsPerCase: '1' });
    expect((await audits.load(qaActor, planned.id)).tool.version).toBe(1);

    // Copy and edit: the published form starts from version 1
    const edit = await qa.get('/audits/tools/neglect-thematic/versions/new');
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('Publish version 2');
    expect(edit.body).toContain('home_conditions');
    const v2Questions = [
      HEADER,
      'voice,The child’s voice,voice_heard,yes-partly-no,Was the child seen and heard on every visit?,,,,childs-voice-recorded',
      'voice,,voice_grade,grade,How well was the child’s voice heard?,,,yes,',
      'neglect,Neglect,home_conditions,choice,How were home conditions?,Improved|Unchanged|Worse|Not known,,yes,',
      'neglect,,school_attendance,yes-partly-no,Is the child attending school?,Yes|No,,,',
    ].join('\n');
    const refused = await qa.post('/audits/tools/neglect-thematic/versions/new', { ...form({ scale: 'default', questions: v2Questions.replace('Yes|No', 'Yes|Maybe') }) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('line 5, column 6 (options)');
    expect(await partnershipTools()).toHaveLength(1);
    const published = await qa.post('/audits/tools/neglect-thematic/versions/new', { ...form({ key: 'ignored-key', scale: 'default', questions: v2Questions }) });
    expect(published.statusCode).toBe(303);
    expect(published.headers.location).toBe('/audits/tools/neglect-thematic?published=1');
    expect(await partnershipTools()).toEqual([
      { key: 'neglect-thematic', version: 1 },
      { key: 'neglect-thematic', version: 2 },
    ]);

    // The audit planned on version 1 keeps its questions and scale
    const old = await audits.load(qaActor, planned.id);
    expect(old.tool.version).toBe(1);
    expect(questionsOf(old.tool).map((q) => q.key)).toEqual(['voice_heard', 'voice_grade', 'home_conditions', 'visits', 'neglect_comments']);
    expect(optionsOf(old.tool, questionsOf(old.tool)[1]!)).toEqual(['Strong', 'Secure', 'Weak']);
    const oldPage = await qa.get(`/audits/${planned.id}`);
    expect(oldPage.statusCode).toBe(200);
    expect(oldPage.body).toContain('href="/audits/tools/neglect-thematic?version=1">Neglect thematic audit (version 1)</a>');
    // a new audit uses version 2
    const next = await conduct.plan(qaActor, { title: 'Neglect, December 2026', tool: 'neglect-thematic', onDate: '2026-11-02', strategy: 'all', auditorsPerCase: '1' });
    const fresh = await audits.load(qaActor, next.id);
    expect(fresh.tool.version).toBe(2);
    expect(questionsOf(fresh.tool).map((q) => q.key)).toEqual(['voice_heard', 'voice_grade', 'home_conditions', 'school_attendance']);
    expect(optionsOf(fresh.tool, questionsOf(fresh.tool)[1]!)).toEqual(['Outstanding', 'Good', 'Adequate', 'Inadequate']);
    // the tool's page lists both versions and the audits using each; version 1 can still be read
    const history = await qa.get('/audits/tools/neglect-thematic');
    expect(history.body).toMatch(/Version 2 \(shown\)/);
    const v1 = await qa.get('/audits/tools/neglect-thematic?version=1');
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toContain('How many home visits in the last 3 months?');
    expect((await qa.get('/audits/tools/neglect-thematic?version=9')).statusCode).toBe(404);
    // the plan page offers the partnership's tool beside the built-in ones
    expect((await qa.get('/audits/new')).body).toContain('Neglect thematic audit (version 2)');
  }, 60_000);

  it('does the same through the API, and lists the partnership’s tools with the built-in ones', async () => {
    const definition = {
      key: 'api-tool',
      name: 'Tool made through the API',
      description: '',
      scale: 'inspection',
      domains: [{ key: 'one', name: 'One', questions: [{ key: 'grade_it', text: 'Grade it', type: 'grade', headline: true }] }],
    };
    const bad = await api('POST', '/api/v1/audits/tools', { ...definition, domains: [{ key: 'one', name: 'One', questions: [{ key: 'Bad key', text: '', type: 'choice' }] }] });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys((bad.json() as { error: { fields: Record<string, string> } }).error.fields).sort()).toEqual(['domains.0.questions.0.key', 'domains.0.questions.0.options', 'domains.0.questions.0.text']);
    const made = await api('POST', '/api/v1/audits/tools', definition);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ key: 'api-tool', version: 1, questions: [{ key: 'grade_it', options: ['Outstanding', 'Good', 'Requires improvement to be good', 'Inadequate'] }] });
    const v2 = await api('POST', '/api/v1/audits/tools/api-tool/versions', { ...definition, key: undefined, scale: 'custom', scaleOptions: ['High', 'Low'] });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, questions: [{ options: ['High', 'Low'] }] });
    expect((await api('POST', '/api/v1/audits/tools/cp-multi-agency/versions', definition)).statusCode).toBe(400);
    expect((await api('POST', '/api/v1/audits/tools/no-such-tool/versions', definition)).statusCode).toBe(404);
    const versions = (await api('GET', '/api/v1/audits/tools/api-tool/versions')).json() as { own: boolean; items: { version: number }[] };
    expect(versions.own).toBe(true);
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
    const list = (await api('GET', '/api/v1/audits/tools')).json() as { items: { key: string; version: number }[] };
    expect(list.items.map((i) => `${i.key} v${i.version}`).sort()).toEqual(['api-tool v2', 'core-group-thematic v1', 'cp-multi-agency v1', 'neglect-thematic v2']);
  }, 60_000);
});
