// update_mask handling (AIP-134) by reflection, for any resource message.
#ifndef CRM_COMMON_API_FIELD_MASK_H_
#define CRM_COMMON_API_FIELD_MASK_H_

#include <set>
#include <string>

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace crm::api {

struct FieldMaskRules {
  // Paths a client may never change, e.g. "category".
  std::set<std::string> immutable;
  // Paths the server owns, e.g. "name", "create_time"; "*" leaves them alone.
  std::set<std::string> output_only;
};

// Copies the fields named in `mask` from `patch` into `target` (both of the
// same type). A path names a field, nested with dots ("person.family_name");
// the named field is replaced as a whole (a repeated field by the patch's
// list). "*" alone replaces every field but the output-only ones. An empty
// mask, an unknown path, or a path into an immutable or output-only field is
// INVALID_ARGUMENT naming "update_mask".
absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask,
                            const google::protobuf::Message& patch,
                            google::protobuf::Message* target,
                            const FieldMaskRules& rules);

}  // namespace crm::api

#endif  // CRM_COMMON_API_FIELD_MASK_H_
