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
void RegisterAlertRoutes(Router& router);
void RegisterCaseRoutes(Router& router);
void RegisterObservableRoutes(Router& router);
void RegisterTheHiveRoutes(Router& router);
void RegisterSearchRoutes(Router& router);       // GET /api/v1/search
void RegisterReportRoutes(Router& router);       // GET /api/v1/reports/summary
void RegisterKnowledgeRoutes(Router& router);
void RegisterConsoleRoutes(Router& router);      // GET / and /assets/{file}: the web console    // similar cases, knowledge base, publishing     // /api/alert and /api/v1/alert (TheHive-compatible)  // correlation, lookup, IOC marking, exports    // cases, tasks, evidence, templates, SLA, promote/merge

// Every route of the API, in one table.
Router BuildRouter();

}  // namespace wf::api
