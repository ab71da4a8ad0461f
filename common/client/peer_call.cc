#include "common/client/peer_call.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace crm::client {

std::shared_ptr<grpc::Channel> MakePeerChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

absl::Status CallWithRetry(const PeerCallOptions& options, bool retry, absl::Time deadline,
                           const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
  if (deadline == absl::InfiniteFuture()) deadline = absl::Now() + options.default_timeout;
  absl::Duration backoff = options.initial_backoff;
  for (;;) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    const grpc::Status status = attempt(&context);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !retry ||
        absl::Now() + backoff >= deadline) {
      return FromGrpcStatus(status);
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

absl::Status PeerFailure(const absl::Status& status, absl::string_view peer,
                         absl::string_view what) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kNotFound:
      return status;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::UnavailableError(absl::StrCat("the ", peer, " service could not be reached to ",
                                                 what, ": ", status.message()));
    default: {
      absl::Status out(status.code(),
                       absl::StrCat(what, " with the ", peer, " service: ", status.message()));
      status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
        out.SetPayload(url, payload);
      });
      return out;
    }
  }
}

}  // namespace crm::client
