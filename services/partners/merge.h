// Rules of a merge: how a survivor's record absorbs the records of its
// duplicates. Pure functions, no I/O.
#ifndef CRM_SERVICES_PARTNERS_MERGE_H_
#define CRM_SERVICES_PARTNERS_MERGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// "Take `path` from `source`", a checked MergeFieldRule.
struct FieldChoice {
  std::string path;
  const v1::Partner* source = nullptr;
};

// INVALID_ARGUMENT naming `field` unless `path` is a field a merge may
// choose (an update-mask path that is not the category or output-only).
absl::Status CheckMergeFieldPath(const std::string& path, std::string_view field);

// The survivor after absorbing `merged` (same category, in priority order):
//  - a field the survivor leaves empty takes the first merged value; inside
//    the category data (person, organisation, group) field by field, but a
//    date is taken whole;
//  - addresses, e-mail addresses, phone numbers and bank accounts the
//    survivor lacks are appended (compared without their default flag; an
//    appended one is never the default);
//  - roles of types the survivor lacks are added, keeping their data;
//  - custom values of keys the survivor lacks are added;
//  - then each choice replaces its field with the source's value whole.
// Output-only fields are the survivor's; the display name is not
// recomputed. Fails only for a path CheckMergeFieldPath refuses.
absl::StatusOr<v1::Partner> MergedPartner(const v1::Partner& survivor,
                                          const std::vector<const v1::Partner*>& merged,
                                          const std::vector<FieldChoice>& choices);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_MERGE_H_
