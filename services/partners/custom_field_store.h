// SQL for custom field definitions and the index of partners' values that
// list filters use (the values themselves live in the partner record).
#ifndef CRM_SERVICES_PARTNERS_CUSTOM_FIELD_STORE_H_
#define CRM_SERVICES_PARTNERS_CUSTOM_FIELD_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "common/api/filter.h"
#include "common/db/database.h"
#include "crm/partners/v1/partner.pb.h"
#include "services/partners/custom_fields.h"

namespace crm::partners {

struct StoredDefinition {
  std::string key;
  v1::CustomFieldDefinition definition;  // complete, output-only fields filled in
  int64_t revision = 0;
};

CustomFieldDefinitions LoadDefinitions(db::Connection& c);
std::optional<StoredDefinition> LoadDefinition(db::Connection& c, const std::string& key);
int CountDefinitions(db::Connection& c);

// `definition.name` set; inserts at revision 1 or replaces at `revision`.
void InsertDefinition(db::Connection& c, const std::string& key,
                      const v1::CustomFieldDefinition& definition);
void ReplaceDefinition(db::Connection& c, const std::string& key,
                       const v1::CustomFieldDefinition& definition, int64_t revision);
void DeleteDefinition(db::Connection& c, const std::string& key);

// Definitions by key, after `after_key`, at most `limit` + 1 of them.
std::vector<StoredDefinition> ListDefinitions(db::Connection& c, const std::string& after_key,
                                              int limit);

// Whether some partner holds a value of `key` (equal to `value` if given).
bool AnyPartnerHoldsValue(db::Connection& c, const std::string& key,
                          const std::optional<std::string>& value = std::nullopt);
// Whether some partner of `category` holds a value of `key`.
bool AnyPartnerOfCategoryHoldsValue(db::Connection& c, const std::string& key, int category);
// Whether some partner of `category` lacks a value of `key`.
bool AnyPartnerOfCategoryLacksValue(db::Connection& c, const std::string& key, int category);

// Rewrites the filter index of one partner's values.
void WriteCustomValueIndex(db::Connection& c, const std::string& partner_id,
                           const v1::Partner& partner);

// Filter fields "custom_fields.<key>" for the defined fields.
std::vector<api::FilterField> CustomFilterFields(const CustomFieldDefinitions& definitions);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_CUSTOM_FIELD_STORE_H_
