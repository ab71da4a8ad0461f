#include "services/marketing/lead_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/errors.h"
#include "services/marketing/schema.h"

namespace crm::marketing {

std::vector<v1::LeadScoringRule> LoadScoringRules(db::Connection& c) {
  std::vector<v1::LeadScoringRule> rules;
  LeadScoringRuleTable().ForEach<v1::LeadScoringRule>(
      c, {}, api::OrderBy{{{"create_time", false, true}, {"id", false, false}}},
      [&](const v1::LeadScoringRule& rule) { rules.push_back(rule); });
  return rules;
}

std::vector<v1::LeadRoutingRule> LoadRoutingRules(db::Connection& c) {
  std::vector<v1::LeadRoutingRule> rules;
  LeadRoutingRuleTable().ForEach<v1::LeadRoutingRule>(
      c, {}, api::OrderBy{{{"priority", false, true}, {"id", false, false}}},
      [&](const v1::LeadRoutingRule& rule) { rules.push_back(rule); });
  return rules;
}

std::optional<std::string> FindDuplicateLead(db::Connection& c, const v1::Lead& lead,
                                             const std::string& self_id) {
  if (lead.contact().email().empty()) return std::nullopt;
  SQLite::Statement& same =
      c.Prepare("SELECT id FROM leads WHERE email = ?1 AND state != ?2 AND id != ?3 LIMIT 1",
                {absl::AsciiStrToLower(lead.contact().email()),
                 int64_t{v1::LEAD_STATE_DISQUALIFIED}, self_id});
  if (!same.executeStep()) return std::nullopt;
  std::string other = absl::StrCat("leads/", same.getColumn(0).getString());
  same.reset();
  return other;
}

absl::Status CheckLeadStored(db::Connection& c, const v1::Lead& lead, const std::string& self_id) {
  if (!lead.campaign().empty() &&
      !CampaignTable().Exists(c, lead.campaign().substr(lead.campaign().find('/') + 1))) {
    return NotFound(lead.campaign());
  }
  if (std::optional<std::string> other = FindDuplicateLead(c, lead, self_id)) {
    return AlreadyExists(*other, absl::StrCat("has the e-mail address ", lead.contact().email(),
                                              "; update that lead instead"));
  }
  return absl::OkStatus();
}

}  // namespace crm::marketing
