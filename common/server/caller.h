// The one place that decides who is calling. Every handler gets the caller
// from here (through RunUnary and the stream reactors), so authentication
// changes only this file. Today every caller is anonymous.
#ifndef CRM_COMMON_SERVER_CALLER_H_
#define CRM_COMMON_SERVER_CALLER_H_

#include <string>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"

namespace crm::server {

struct Caller {
  // Stable id of the principal, recorded in audit trails: "anonymous" for now.
  std::string principal = "anonymous";
  bool authenticated = false;
};

// Resolves the caller of a call from its metadata and peer. Returns
// UNAUTHENTICATED or PERMISSION_DENIED to refuse the call.
absl::StatusOr<Caller> ResolveCaller(const grpc::CallbackServerContext& context);

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_CALLER_H_
