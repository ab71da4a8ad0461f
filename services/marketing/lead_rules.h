// The rules of leads that need no storage: validation, scoring into a
// level, and the choice of a routing rule.
#ifndef CRM_SERVICES_MARKETING_LEAD_RULES_H_
#define CRM_SERVICES_MARKETING_LEAD_RULES_H_

#include <string>
#include <vector>

#include "common/errors.h"
#include "crm/marketing/v1/lead.pb.h"

namespace crm::marketing {

inline constexpr int kHotScore = 70;
inline constexpr int kWarmScore = 40;

void ValidateLead(const v1::Lead& lead, const std::string& path, Violations* out);
void ValidateLeadScoringRule(const v1::LeadScoringRule& rule, const std::string& path,
                             Violations* out);
void ValidateLeadRoutingRule(const v1::LeadRoutingRule& rule, const std::string& path,
                             Violations* out);

// Whether `lead` meets every condition set.
bool LeadMatches(const v1::LeadCondition& condition, const v1::Lead& lead);

v1::LeadLevel LevelOf(int score);

// Sets the lead's score, level and matched rules from `rules`.
void ScoreLead(const std::vector<v1::LeadScoringRule>& rules, v1::Lead* lead);

// The first of `rules` (in priority order) the lead matches; null if none.
const v1::LeadRoutingRule* RouteLead(const std::vector<v1::LeadRoutingRule>& rules,
                                     const v1::Lead& lead);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_LEAD_RULES_H_
