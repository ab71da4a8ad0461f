// request_id idempotency (AIP-155): the first result of a create is stored in
// the same transaction as the create, so a retry gets that result back instead
// of a second resource, even across a crash.
#ifndef CRM_COMMON_API_IDEMPOTENCY_H_
#define CRM_COMMON_API_IDEMPOTENCY_H_

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "common/db/database.h"

namespace crm::api {

// The table; part of every service's first migration.
extern const char kIdempotencySchema[];

// The fingerprint of a request: a stable hash of its deterministic encoding.
std::string RequestFingerprint(const google::protobuf::Message& request);

// Looks up `request_id` for `method`. Returns the stored response if the same
// request was seen, nullopt if the id is new, and INVALID_ARGUMENT naming
// `field` if the id was used for a different request.
absl::StatusOr<std::optional<std::string>> FindEarlierResponse(
    db::Connection& connection, absl::string_view method, absl::string_view request_id,
    absl::string_view fingerprint, absl::string_view field);

// Records the response of a request; call in the write's transaction.
void RememberResponse(db::Connection& connection, absl::string_view method,
                      absl::string_view request_id, absl::string_view fingerprint,
                      const std::string& response, int64_t now_micros);

// Forgets the stored responses that contain `text` (e.g. a resource name),
// so that no copy of erased personal data stays behind; a retry of such a
// request then runs anew. Scans the table: meant for rare calls.
int ForgetResponsesMentioning(db::Connection& connection, absl::string_view text);

// For writes that must call another service before their transaction: the
// stored response of an earlier identical request, read outside any write,
// so that a retry is answered without calling anyone. True when `response`
// was filled; INVALID_ARGUMENT "request_id" when the id was used for a
// different request. An empty `request_id` gives false.
absl::StatusOr<bool> AnswerRetry(db::Database& database, absl::string_view method,
                                 absl::string_view request_id,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message* response);

// The usual shape of an idempotent write, inside the write's transaction:
// a retry of the same request (same `request_id` and `fingerprint`) gets the
// stored response; otherwise `write` runs, fills `response`, and the response
// is remembered if it succeeded. An empty `request_id` just runs `write`.
absl::Status RunOnce(db::Connection& connection, absl::string_view method,
                     absl::string_view request_id, absl::string_view fingerprint,
                     int64_t now_micros, google::protobuf::Message* response,
                     absl::FunctionRef<absl::Status()> write);

}  // namespace crm::api

#endif  // CRM_COMMON_API_IDEMPOTENCY_H_
