// Rules of custom fields: what a definition may say, and whether a
// partner's values fit the definitions. Pure functions, no I/O.
#ifndef CRM_SERVICES_PARTNERS_CUSTOM_FIELDS_H_
#define CRM_SERVICES_PARTNERS_CUSTOM_FIELDS_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "common/db/sql_value.h"
#include "common/errors.h"
#include "crm/partners/v1/custom_field.pb.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// Definitions by key.
using CustomFieldDefinitions = std::map<std::string, v1::CustomFieldDefinition>;

inline constexpr int kMaxCustomFieldDefinitions = 200;

// A lower-case letter, then up to 39 lower-case letters, digits or
// underscores; safe to appear in SQL text and filter names.
bool IsValidCustomFieldKey(absl::string_view key);

// Trims the definition's texts and allowed values.
void NormalizeCustomFieldDefinition(v1::CustomFieldDefinition* definition);

// Field checks of a definition (without its key), paths below `prefix`.
void ValidateCustomFieldDefinition(const v1::CustomFieldDefinition& definition,
                                   absl::string_view prefix, Violations* out);

// Trims string values.
void NormalizeCustomValues(v1::Partner* partner);

// Whether the partner's custom values fit `definitions`: known keys, the
// partner's category, the right type, allowed values, required ones present.
// Paths are "<prefix>.custom_fields.<key>".
void ValidateCustomValues(const v1::Partner& partner, const CustomFieldDefinitions& definitions,
                          absl::string_view prefix, Violations* out);

// The value as stored for filters: text, double, "YYYY-MM-DD" or 0/1.
db::SqlValue StoredCustomValue(const v1::CustomFieldValue& value);

// Whether the value is text that search should find (string and enumeration
// values).
bool IsSearchableText(const v1::CustomFieldValue& value);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_CUSTOM_FIELDS_H_
