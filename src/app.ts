/**
 * buildApp: the whole service, assembled from its parts in order. Dependencies (database,
 * clock, configuration) come in; nothing here reads the environment or opens connections.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { AccessLogService } from './modules/access-log/service.js';
import { accessLogApiRoutes, accessLogRoutes } from './modules/access-log/routes.js';
import { AuthService } from './modules/auth/service.js';
import { authApiRoutes, authRoutes } from './modules/auth/routes.js';
import { SsoService } from './modules/auth/sso.js';
import { ssoRoutes } from './modules/auth/sso-routes.js';
import { ChildRecords } from './modules/cases/record.js';
import { CasesService } from './modules/cases/service.js';
import { casesApiRoutes, casesRoutes } from './modules/cases/routes.js';
import { CoreGroupsService } from './modules/core-groups/service.js';
import { coreGroupApiRoutes, coreGroupRoutes } from './modules/core-groups/routes.js';
import { PlansService } from './modules/plans/service.js';
import { plansApiRoutes, plansRoutes } from './modules/plans/routes.js';
import { VoiceService } from './modules/voice/service.js';
import { voiceApiRoutes, voiceRoutes } from './modules/voice/routes.js';
import { PortalService } from './modules/portal/service.js';
import { portalApiRoutes, portalRoutes } from './modules/portal/routes.js';
import { EscalationsService } from './modules/escalations/service.js';
import { escalationsApiRoutes, escalationsRoutes } from './modules/escalations/routes.js';
import { CaseworkService } from './modules/casework/service.js';
import { caseworkApiRoutes, caseworkRoutes } from './modules/casework/routes.js';
import { ImportsService } from './modules/imports/service.js';
import { importsApiRoutes, importsRoutes } from './modules/imports/routes.js';
import { StandardsService } from './modules/standards/service.js';
import { standardsApiRoutes, standardsRoutes } from './modules/standards/routes.js';
import { NotificationsService } from './modules/notifications/service.js';
import { notificationsApiRoutes, notificationsRoutes } from './modules/notifications/routes.js';
import { AuditConduct } from './modules/audits/conduct.js';
import { AuditsService } from './modules/audits/service.js';
import { auditsApiRoutes, auditsRoutes } from './modules/audits/routes.js';
import { LearningService } from './modules/learning/service.js';
import { learningApiRoutes, learningRoutes } from './modules/learning/routes.js';
import { RetentionService } from './modules/retention/service.js';
import { retentionApiRoutes, retentionRoutes } from './modules/retention/routes.js';
import { homeRoutes } from './modules/home/routes.js';
import { PartnershipService } from './modules/partnership/service.js';
import { partnershipApiRoutes, partnershipRoutes } from './modules/partnership/routes.js';
import { registerApi } from './web/api.js';
import { registerAssets } from './web/assets.js';
import { capabilities, registerAuth } from './web/auth.js';
import { registerErrorHandlers } from './web/errors.js';
import { flashFor } from './web/flash.js';
import { registerHealth } from './web/health.js';
import { createViewEnvironment, registerViews } from './web/render.js';
import { registerSecurity } from './web/security.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: { method: string; url: string }[];
  }
}

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  version?: string;
}

export async function buildApp({ config, database, clock, version = '0.1.0' }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
  });
  // Every route, as registered: the authorisation matrix test checks each one has an entry.
  const routeTable: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url });
  });
  app.decorate('routeTable', routeTable);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Services
  const db = database.db;
  const accessLog = new AccessLogService(db, clock);
  const auth = new AuthService(db, clock, config, accessLog);
  const sso = new SsoService(db, clock, config, auth, accessLog);
  const partnership = new PartnershipService(db, clock, accessLog, auth);
  // Every change to a child's record re-evaluates its practice standards in the same transaction
  const records: ChildRecords = new ChildRecords(db, clock, accessLog, (trx, childId): Promise<void> => standards.reevaluate(trx, childId));
  const standards: StandardsService = new StandardsService(records);
  const cases = new CasesService(records);
  const coreGroups = new CoreGroupsService(records, accessLog);
  const plans = new PlansService(records);
  const voice = new VoiceService(records);
  const portal = new PortalService(records, clock);
  const escalations = new EscalationsService(records, accessLog);
  const casework = new CaseworkService(records);
  // An import commits first; the partnership's standards are then recomputed (a failure there is logged, the import
  // stands, and the next nightly recompute evaluates every child of the partnership)
  const imports = new ImportsService(db, clock, accessLog, (pid) => standards.recomputeAfterBulkChange(pid).catch((err: unknown) => app.log.error({ err }, 'recomputing standards after an import failed')));
  const notifications = new NotificationsService(db, clock);
  const audits = new AuditsService(db, clock, accessLog);
  const auditConduct = new AuditConduct(db, clock, accessLog, audits);
  const learning = new LearningService(db, clock, audits, standards);
  const retention = new RetentionService(db, clock, accessLog, (trx, childId) => standards.reevaluate(trx, childId));

  // Web plumbing
  await registerSecurity(app, config);
  registerViews(app, createViewEnvironment(), (reply) => ({
    user: reply.request.signedIn?.user ?? null,
    partnership: reply.request.signedIn?.partnership ?? null,
    secondFactorPending: reply.request.signedIn?.secondFactorPending ?? false,
    nav: capabilities(reply.request.actor),
    csrfToken: reply.generateCsrf(),
    cspNonce: reply.cspNonce?.script,
    flash: reply.statusCode < 300 ? flashFor(reply.request.query) : null,
  }));
  registerErrorHandlers(app, { showStack: config.env === 'development' });
  registerHealth(app, database.ping);
  await registerAssets(app);
  registerAuth(app, auth);

  // Pages
  homeRoutes(app, partnership);
  authRoutes(app, auth, { lockoutMinutes: config.signInLockoutMinutes, ssoPartnerships: () => sso.listForSignIn() });
  ssoRoutes(app, sso, auth, { publicUrl: config.mail.publicUrl });
  partnershipRoutes(app, partnership);
  accessLogRoutes(app, accessLog);
  casesRoutes(app, cases, partnership);
  coreGroupRoutes(app, coreGroups);
  plansRoutes(app, plans);
  voiceRoutes(app, voice);
  portalRoutes(app, portal);
  escalationsRoutes(app, escalations);
  caseworkRoutes(app, casework);
  await importsRoutes(app, imports, config.uploadDir);
  standardsRoutes(app, standards);
  auditsRoutes(app, audits, auditConduct, clock);
  learningRoutes(app, learning);
  retentionRoutes(app, retention);
  notificationsRoutes(app, notifications, { enabled: config.mail.smtpUrl !== null && config.mail.publicUrl !== null });

  // API
  registerApi(
    app,
    [
      ...partnershipApiRoutes(partnership),
      ...authApiRoutes(auth),
      ...accessLogApiRoutes(accessLog),
      ...casesApiRoutes(cases),
      ...coreGroupApiRoutes(coreGroups),
      ...plansApiRoutes(plans),
      ...voiceApiRoutes(voice),
      ...escalationsApiRoutes(escalations),
      ...caseworkApiRoutes(casework),
      ...standardsApiRoutes(standards),
      ...notificationsApiRoutes(notifications),
      ...auditsApiRoutes(audits, auditConduct),
      ...learningApiRoutes(learning),
      ...retentionApiRoutes(retention),
      ...importsApiRoutes(imports),
      ...portalApiRoutes(portal),
    ],
    { version, rateLimitPerMinute: config.apiRateLimitPerMinute, childGate: (actor, childId) => cases.assertCanSee(actor, childId) },
  );

  return app;
}
