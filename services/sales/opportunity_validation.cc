#include "services/sales/opportunity_validation.h"

#include "services/sales/catalog_validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

// A required or optional "{collection}/{id}" reference.
bool CheckReference(const std::string& name, absl::string_view collection, bool required,
                    const std::string& field, Violations* out) {
  if (name.empty()) {
    if (required) out->Add(field, "is required");
    return !required;
  }
  const absl::Status status = api::ParseResourceName(name, collection, field).status();
  out->AddAll(status);
  return status.ok();
}

void CheckPercent(int percent, const std::string& field, Violations* out) {
  if (percent < 0 || percent > 100) out->Add(field, "must be from 0 to 100");
}

}  // namespace

void ValidateSalesStage(const v1::SalesStage& stage, const std::string& path, Violations* out) {
  validation::CheckRequiredText(stage.display_name(), 100, Child(path, "display_name"), out);
  if (stage.position() < 1 || stage.position() > 1000) {
    out->Add(Child(path, "position"), "must be from 1 to 1000");
  }
  CheckPercent(stage.default_probability_percent(), Child(path, "default_probability_percent"),
               out);
}

void ClearOpportunityOutputOnly(v1::Opportunity* opportunity) {
  opportunity->clear_name();
  opportunity->clear_state();
  opportunity->clear_close_reason();
  opportunity->clear_lost_to();
  opportunity->clear_close_time();
  opportunity->clear_weighted_revenue();
  opportunity->clear_territory();
  opportunity->clear_create_time();
  opportunity->clear_update_time();
  opportunity->clear_etag();
}

void ValidateOpportunity(const v1::Opportunity& opportunity, const std::string& path,
                         const google::type::Date& today, bool new_close_date, Violations* out) {
  validation::CheckRequiredText(opportunity.display_name(), 200, Child(path, "display_name"), out);
  CheckReference(opportunity.account(), "partners", true, Child(path, "account"), out);
  CheckReference(opportunity.stage(), "salesStages", true, Child(path, "stage"), out);
  CheckPercent(opportunity.probability_percent(), Child(path, "probability_percent"), out);
  money::CheckMoney(opportunity.expected_revenue(), Child(path, "expected_revenue"), true, false,
                    "", out);
  const std::string close_date = Child(path, "close_date");
  if (!api::IsDateSet(opportunity.close_date())) {
    out->Add(close_date, "is required");
  } else if (!validation::IsValidDate(opportunity.close_date())) {
    out->Add(close_date, "must be a full, valid date");
  } else if (new_close_date && api::CompareDates(opportunity.close_date(), today) < 0) {
    out->Add(close_date, absl::StrCat("must not be in the past (today is ", api::IsoDate(today),
                                      " UTC)"));
  }
  CheckReference(opportunity.owner(), "partners", true, Child(path, "owner"), out);

  const std::string team = Child(path, "sales_team");
  if (validation::CheckMaxEntries(opportunity.sales_team_size(), kMaxOpportunityPeople, team, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < opportunity.sales_team_size(); ++i) {
      const std::string& member = opportunity.sales_team(i);
      const std::string at = Element(team, i);
      if (!CheckReference(member, "partners", true, at, out)) continue;
      if (member == opportunity.owner()) {
        out->Add(at, "is the owner");
      } else if (!seen.insert(member).second) {
        out->Add(at, "is named twice");
      }
    }
  }

  const std::string deciders = Child(path, "decision_makers");
  if (validation::CheckMaxEntries(opportunity.decision_makers_size(), kMaxOpportunityPeople,
                                  deciders, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < opportunity.decision_makers_size(); ++i) {
      const v1::DecisionMaker& decider = opportunity.decision_makers(i);
      const std::string at = Element(deciders, i);
      if (CheckReference(decider.partner(), "partners", true, Child(at, "partner"), out) &&
          !seen.insert(decider.partner()).second) {
        out->Add(Child(at, "partner"), "is named twice");
      }
      validation::CheckRequiredEnum(decider.buying_role(), v1::BuyingRole_IsValid,
                                    Child(at, "buying_role"), out);
    }
  }

  const std::string competitors = Child(path, "competitors");
  if (validation::CheckMaxEntries(opportunity.competitors_size(), kMaxOpportunityPeople,
                                  competitors, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < opportunity.competitors_size(); ++i) {
      const v1::Competitor& competitor = opportunity.competitors(i);
      const std::string at = Element(competitors, i);
      CheckReference(competitor.partner(), "partners", false, Child(at, "partner"), out);
      if (competitor.partner().empty()) {
        validation::CheckRequiredText(competitor.display_name(), 200, Child(at, "display_name"),
                                      out);
      } else {
        validation::CheckText(competitor.display_name(), 200, Child(at, "display_name"), out);
      }
      validation::CheckText(competitor.notes(), 2000, Child(at, "notes"), out);
      const std::string key =
          competitor.partner().empty() ? "name:" + competitor.display_name() : competitor.partner();
      if (!seen.insert(key).second) out->Add(at, "is named twice");
    }
  }
  CheckReference(opportunity.source_campaign(), "campaigns", false,
                 Child(path, "source_campaign"), out);
  CheckReference(opportunity.source_lead(), "leads", false, Child(path, "source_lead"), out);
  if (!opportunity.product_group().empty() && !IsProductGroup(opportunity.product_group())) {
    out->Add(Child(path, "product_group"), kProductGroupForm);
  }
}

}  // namespace crm::sales
