// Test support: a gRPC status in a form one CHECK can compare, as a client
// sees it, and its error details.
#ifndef CRM_COMMON_TESTING_STATUS_CHECKS_H_
#define CRM_COMMON_TESTING_STATUS_CHECKS_H_

#include <string>
#include <vector>

#include <google/protobuf/field_mask.pb.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace crm::testing {

// "OK", or the code and the fields the server named:
// "INVALID_ARGUMENT items[0].quantity, currency_code", "NOT_FOUND".
inline std::string Outcome(const grpc::Status& status) {
  if (status.ok()) return "OK";
  std::string out(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
  const std::vector<FieldViolation> violations = FieldViolationsOf(FromGrpcStatus(status));
  for (size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? " " : ", ", violations[i].field);
  }
  return out;
}

// The status detail of one type, or an empty one.
template <typename Detail>
Detail DetailOf(const grpc::Status& status) {
  google::rpc::Status details;
  Detail detail;
  if (!details.ParseFromString(status.error_details())) return detail;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&detail)) return detail;
  }
  return detail;
}

// "type subject" of a FAILED_PRECONDITION, e.g. "DISCONTINUED items[1].product".
inline std::string Precondition(const grpc::Status& status) {
  const auto failure = DetailOf<google::rpc::PreconditionFailure>(status);
  if (failure.violations().empty()) return "";
  return absl::StrCat(failure.violations(0).type(), " ", failure.violations(0).subject());
}

// The reason of the ErrorInfo, e.g. "PARTNER_ERASED", or "".
inline std::string ErrorReason(const grpc::Status& status) {
  return DetailOf<google::rpc::ErrorInfo>(status).reason();
}

inline google::protobuf::FieldMask Mask(const std::vector<std::string>& paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  return mask;
}

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_STATUS_CHECKS_H_
