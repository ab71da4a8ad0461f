// Leads and their rules as stored: what capture, update, qualification,
// routing and import share.
#ifndef CRM_SERVICES_MARKETING_LEAD_STORE_H_
#define CRM_SERVICES_MARKETING_LEAD_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/database.h"
#include "crm/marketing/v1/lead.pb.h"

namespace crm::marketing {

// The scoring rules, oldest first.
std::vector<v1::LeadScoringRule> LoadScoringRules(db::Connection& c);

// The routing rules in the order they are tried.
std::vector<v1::LeadRoutingRule> LoadRoutingRules(db::Connection& c);

// The lead, other than `self_id`, that `lead` duplicates: one not
// disqualified with the same e-mail address (compared without regard to
// case).
std::optional<std::string> FindDuplicateLead(db::Connection& c, const v1::Lead& lead,
                                             const std::string& self_id);

// The campaign exists (NOT_FOUND) and the lead duplicates none
// (ALREADY_EXISTS naming the other lead).
absl::Status CheckLeadStored(db::Connection& c, const v1::Lead& lead, const std::string& self_id);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_LEAD_STORE_H_
