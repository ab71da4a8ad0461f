// Calls from one service to another (partners, sales...): every typed
// client in the suite is built on these.
//
// Every call has a deadline: the caller's (propagate CallContext::deadline
// from the incoming call), or the options' default timeout when the caller
// has none. Only UNAVAILABLE is retried, with backoff, until the deadline,
// and only when the caller says a repeat is harmless: reads always; a create
// with a request_id (the peer answers a repeat with the first result); an
// update or delete with an etag (a repeat after a lost success fails with
// ABORTED instead of applying twice).
#ifndef CRM_COMMON_CLIENT_PEER_CALL_H_
#define CRM_COMMON_CLIENT_PEER_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace crm::client {

struct PeerCallOptions {
  // Deadline of a call whose caller has none.
  absl::Duration default_timeout = absl::Seconds(5);
  // First pause before a retry; doubles up to `max_backoff`.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(1);
};

// A channel to `address` ("host:port") that reconnects quickly after the
// peer restarts.
std::shared_ptr<grpc::Channel> MakePeerChannel(const std::string& address);

// Runs `attempt` with a fresh context per try until it succeeds, fails with
// anything but UNAVAILABLE, `retry` is false, or the deadline passes.
absl::Status CallWithRetry(const PeerCallOptions& options, bool retry, absl::Time deadline,
                           const std::function<grpc::Status(grpc::ClientContext*)>& attempt);

// One unary call of a generated stub's `method`, as CallWithRetry runs it.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> InvokePeer(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, bool retry, absl::Time deadline, const PeerCallOptions& options) {
  Response response;
  absl::Status status = CallWithRetry(options, retry, deadline, [&](grpc::ClientContext* context) {
    return (stub.*method)(context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

// A peer's failure as this service's caller should see it: NOT_FOUND kept
// as is; UNAVAILABLE (also for a timeout) saying `peer` could not be
// reached for `what`; anything else with its code and details (e.g. a
// BadRequest naming the field) and a message saying where it came from.
absl::Status PeerFailure(const absl::Status& status, absl::string_view peer,
                         absl::string_view what);

}  // namespace crm::client

#endif  // CRM_COMMON_CLIENT_PEER_CALL_H_
