// Rules of relationships between partners: which categories each type
// joins, field checks, and the day numbers validity is stored as.
#ifndef CRM_SERVICES_PARTNERS_RELATIONSHIP_RULES_H_
#define CRM_SERVICES_PARTNERS_RELATIONSHIP_RULES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"
#include "crm/partners/v1/relationship.pb.h"
#include "google/type/date.pb.h"

namespace crm::partners {

// Open ends of a validity period as day numbers.
constexpr int kOpenStart = 0;
constexpr int kOpenEnd = 99991231;

// yyyymmdd of a set date; `open` for an unset one.
int DayNumber(const google::type::Date& date, bool is_set, int open);

// Field checks of a relationship as sent (names, type, dates, attributes),
// with paths below `prefix`.
void ValidateRelationship(const v1::Relationship& relationship, absl::string_view prefix,
                          Violations* out);

// Whether the categories of the two sides suit `type`; violations name the
// side that does not.
void CheckCategories(v1::RelationshipType type, v1::PartnerCategory partner,
                     v1::PartnerCategory related, absl::string_view prefix, Violations* out);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_RELATIONSHIP_RULES_H_
