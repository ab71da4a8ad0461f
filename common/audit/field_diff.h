// The fields a write changed, for audit trails: a field-by-field comparison
// of a resource before and after, by reflection, with personal values
// replaced by a keyed hash (HMAC-SHA256), so the trail shows that and when a
// name or an IBAN changed without holding the value itself.
#ifndef CRM_COMMON_AUDIT_FIELD_DIFF_H_
#define CRM_COMMON_AUDIT_FIELD_DIFF_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"
#include "crm/type/v1/field_change.pb.h"

namespace crm::audit {

struct DiffOptions {
  // Top-level fields left out, e.g. output-only ones ("etag", "update_time").
  std::set<std::string> ignored;
  // Whether a field holds personal data, given its path without list
  // indices ("addresses.city"). Its values are hashed.
  std::function<bool(absl::string_view path)> is_personal;
  // Key of the hash; a random secret of the database, so that hashes can be
  // compared within it but not guessed from a list of names.
  std::string hash_key;
};

// The changed leaf fields from `before` to `after` (same message type), in
// field order. List elements are compared by position ("roles[1].type"); an
// added or removed element is one change with the element as text.
std::vector<type::v1::FieldChange> DiffMessages(const google::protobuf::Message& before,
                                                const google::protobuf::Message& after,
                                                const DiffOptions& options);

// "hmac-sha256:" and the first 16 bytes of HMAC-SHA256(key, value), in hex.
std::string HashValue(absl::string_view key, absl::string_view value);

}  // namespace crm::audit

#endif  // CRM_COMMON_AUDIT_FIELD_DIFF_H_
