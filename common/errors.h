// Errors: absl::Status inside the services, google.rpc.Status at the gRPC edge.
//
// INVALID_ARGUMENT carries a google.rpc.BadRequest naming every bad field, so
// a client can point at the field; the other codes follow absl/status/status.h:
// NOT_FOUND for unknown names, ALREADY_EXISTS, ABORTED for a stale etag,
// FAILED_PRECONDITION for a state that forbids the call, UNAVAILABLE for a
// retryable outage.
#ifndef CRM_COMMON_ERRORS_H_
#define CRM_COMMON_ERRORS_H_

#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"

namespace crm {

// One bad field of a request, by its path in the request message
// ("partner.addresses[0].country_code") and what is wrong with it.
struct FieldViolation {
  std::string field;
  std::string description;
};

// The field violations carried by a status (empty if none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// Collects the violations of one request.
class Violations {
 public:
  void Add(std::string field, std::string description) {
    list_.push_back({std::move(field), std::move(description)});
  }
  // Adds the field violations a status carries (e.g. from a parser).
  void AddAll(const absl::Status& status) {
    for (FieldViolation& v : FieldViolationsOf(status)) list_.push_back(std::move(v));
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // OK when nothing was added, otherwise InvalidArgument with every violation.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
};

// INVALID_ARGUMENT with a BadRequest detail listing `violations` (not empty).
absl::Status InvalidArgument(const std::vector<FieldViolation>& violations);
// INVALID_ARGUMENT for one field.
absl::Status InvalidField(absl::string_view field, absl::string_view description);
// NOT_FOUND for a resource name, with a ResourceInfo detail.
absl::Status NotFound(absl::string_view resource_name);
// NOT_FOUND for a resource that is gone in a known way (e.g. erased), with
// a ResourceInfo and an ErrorInfo carrying `reason` for clients to tell.
absl::Status NotFoundBecause(absl::string_view resource_name, absl::string_view reason,
                             absl::string_view description);
// ALREADY_EXISTS with a ResourceInfo detail.
absl::Status AlreadyExists(absl::string_view resource_name, absl::string_view description);
// ABORTED: the etag sent is not the current one.
absl::Status StaleEtag(absl::string_view resource_name);
// FAILED_PRECONDITION with a PreconditionFailure detail.
absl::Status FailedPrecondition(absl::string_view type, absl::string_view subject,
                                absl::string_view description);

// Converts to a gRPC status whose binary details hold a google.rpc.Status with
// every detail attached to `status` (the "grpc-status-details-bin" trailer).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients and tests: keeps code, message and details.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace crm

#endif  // CRM_COMMON_ERRORS_H_
