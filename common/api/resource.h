// Resource names, ids, etags and times as Google's AIPs use them.
#ifndef CRM_COMMON_API_RESOURCE_H_
#define CRM_COMMON_API_RESOURCE_H_

#include <cstdint>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace crm::api {

// A new opaque, globally unique id: 26 lower-case Crockford base32 characters
// of a millisecond timestamp and 80 random bits (a ULID), so ids sort roughly
// by creation and never depend on a database's row ids.
std::string NewId();

// Parses "{collection}/{id}" (e.g. "partners/01j...") and returns the id.
// Errors are INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field);

// A client-chosen id (AIP-122), e.g. "monitor-24": 1 to 63 lower-case ASCII
// letters, digits or "-", starting with a letter, not ending with "-".
bool IsValidResourceId(absl::string_view id);

// INVALID_ARGUMENT naming `field` unless IsValidResourceId(id); "is
// required" when empty.
absl::Status CheckResourceId(absl::string_view id, absl::string_view field);

// The etag of a resource at `revision`: opaque to clients, compared verbatim.
std::string EtagForRevision(int64_t revision);

// OK when `sent` is empty or the current etag; ABORTED otherwise.
absl::Status CheckEtag(absl::string_view sent, int64_t current_revision,
                       absl::string_view resource_name);

// Validates a client-chosen request id for idempotent writes.
absl::Status ValidateRequestId(absl::string_view request_id, absl::string_view field);

// Times are stored as microseconds since the Unix epoch.
int64_t TimeToMicros(absl::Time time);
google::protobuf::Timestamp MicrosToTimestamp(int64_t micros);
// Truncates to whole microseconds; expects IsValidTimestamp.
int64_t TimestampToMicros(const google::protobuf::Timestamp& timestamp);
// Within 0001-01-01 and 9999-12-31 (the range of google.protobuf.Timestamp),
// nanos 0 to 999,999,999.
bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp);

// A stable 64-bit FNV-1a hash: the same in every process and release, for
// fingerprints that are stored or sent to clients.
uint64_t StableHash64(absl::string_view data);

}  // namespace crm::api

#endif  // CRM_COMMON_API_RESOURCE_H_
