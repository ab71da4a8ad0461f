#include "common/server/caller.h"

namespace crm::server {

absl::StatusOr<Caller> ResolveCaller(const grpc::CallbackServerContext& /*context*/) {
  return Caller{};
}

}  // namespace crm::server
