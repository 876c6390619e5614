// Route registration, one function per handler family. Handlers are plain
// functions from request to response: they parse and validate input,
// call a module service, and translate its result. They never touch SQLite.
#pragma once

#include "api/router.h"

namespace wf::api {

void RegisterHealthRoutes(Router& router);
void RegisterAuthRoutes(Router& router);
void RegisterAdminRoutes(Router& router);   // users, API keys, audit
void RegisterIngestRoutes(Router& router);
void RegisterAlertRoutes(Router& router);        // the queue, triage, promote/merge
void RegisterCaseRoutes(Router& router);         // cases, tasks, evidence, templates, SLA
void RegisterObservableRoutes(Router& router);   // correlation, lookup, IOC marking, exports
void RegisterTheHiveRoutes(Router& router);      // /api/alert and /api/v1/alert (TheHive-compatible)
void RegisterSearchRoutes(Router& router);       // GET /api/v1/search
void RegisterReportRoutes(Router& router);       // GET /api/v1/reports/summary
void RegisterKnowledgeRoutes(Router& router);    // similar cases, knowledge base, publishing
void RegisterRoutingRoutes(Router& router);      // /api/v1/routing-rules
void RegisterConsoleRoutes(Router& router);      // GET / and /assets/{file}: the web console

// Every route of the API, in one table.
Router BuildRouter();

}  // namespace wf::api
