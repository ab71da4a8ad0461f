// Territory rules without storage or partners: what a territory may hold,
// the facts of an account the rules read, and which territory takes an
// account (or an opportunity about a product group).
#ifndef CRM_SERVICES_SALES_TERRITORY_RULES_H_
#define CRM_SERVICES_SALES_TERRITORY_RULES_H_

#include <string>
#include <vector>

#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"
#include "crm/sales/v1/territory.pb.h"

namespace crm::sales {

inline constexpr int kMaxTerritoryRules = 50;
inline constexpr int kMaxSalesReps = 100;

// Everything a client sets on a territory, under `path`.
void ValidateTerritory(const v1::Territory& territory, const std::string& path, Violations* out);

// The facts rules read, from a partner record: its default (else first)
// address, and for organisations the industry and size.
v1::AccountFacts AccountFactsOf(const partners::v1::Partner& partner);

// Whether `facts` (and `product_group`, empty for an account on its own)
// meet every criterion `rule` sets.
bool RuleMatches(const v1::TerritoryRule& rule, const v1::AccountFacts& facts,
                 const std::string& product_group);

// The territory that takes the account: of those whose rules match and
// whose ancestors take it too, the deepest, then the highest priority,
// then the smallest name. Empty when none does.
std::string AssignTerritory(const std::vector<v1::Territory>& territories,
                            const v1::AccountFacts& facts, const std::string& product_group);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_TERRITORY_RULES_H_
