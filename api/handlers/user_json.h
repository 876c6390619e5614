// JSON shapes of users and API keys, shared by the auth and admin handlers.
#pragma once

#include "api/json_io.h"
#include "core/auth_store.h"

namespace wf::api {

void WriteUser(JsonBuilder& b, const auth::User& u);
void WriteApiKey(JsonBuilder& b, const auth::ApiKey& k);

}  // namespace wf::api
