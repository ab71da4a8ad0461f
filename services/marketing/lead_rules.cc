#include "services/marketing/lead_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::marketing {
namespace {

using validation::Child;
using validation::Element;

constexpr int kMaxValues = 50;

bool IsEmpty(const v1::LeadCondition& c) {
  return c.sources().empty() && c.country_codes().empty() && c.regions().empty() &&
         c.industry_code_prefixes().empty() && c.product_groups().empty() && c.levels().empty() &&
         !c.has_min_estimated_value() && !c.requires_company() && !c.requires_phone() &&
         !c.requires_campaign();
}

void ValidateCondition(const v1::LeadCondition& c, const std::string& path, bool levels_allowed,
                       Violations* out) {
  validation::CheckEnumList(c.sources(), kMaxValues, v1::LeadSource_IsValid, Child(path, "sources"),
                            out);
  validation::CheckCodeList(c.country_codes(), kMaxValues, validation::IsIsoCountryCode,
                            validation::kCountryCodeForm, Child(path, "country_codes"), out);
  validation::CheckTextList(c.regions(), kMaxValues, 100, Child(path, "regions"), out);
  validation::CheckCodeList(c.industry_code_prefixes(), kMaxValues, validation::IsIndustryCode,
                            validation::kIndustryCodeForm, Child(path, "industry_code_prefixes"),
                            out);
  validation::CheckCodeList(c.product_groups(), kMaxValues, validation::IsProductGroup,
                            validation::kProductGroupForm, Child(path, "product_groups"), out);
  if (!levels_allowed && !c.levels().empty()) {
    out->Add(Child(path, "levels"), "is only for routing rules: a score does not depend on it");
  } else {
    validation::CheckEnumList(c.levels(), kMaxValues, v1::LeadLevel_IsValid, Child(path, "levels"),
                              out);
  }
  money::CheckMoney(c.min_estimated_value(), Child(path, "min_estimated_value"), false, false, "",
                    out);
}

template <typename T>
bool Listed(const T& values, const typename T::value_type& value) {
  return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

void ValidateLead(const v1::Lead& lead, const std::string& path, Violations* out) {
  validation::CheckRequiredText(lead.display_name(), 200, Child(path, "display_name"), out);
  validation::CheckRequiredEnum(lead.source(), v1::LeadSource_IsValid, Child(path, "source"), out);
  validation::CheckOptionalReference(lead.campaign(), "campaigns", Child(path, "campaign"), out);
  const std::string contact = Child(path, "contact");
  const v1::LeadContact& person = lead.contact();
  validation::CheckText(person.given_name(), 100, Child(contact, "given_name"), out);
  validation::CheckRequiredText(person.family_name(), 100, Child(contact, "family_name"), out);
  validation::CheckText(person.company_name(), 200, Child(contact, "company_name"), out);
  validation::CheckText(person.job_title(), 100, Child(contact, "job_title"), out);
  if (!person.email().empty() && !validation::IsValidEmail(person.email())) {
    out->Add(Child(contact, "email"), "must be a valid e-mail address, e.g. \"ann@example.com\"");
  }
  if (!person.phone().empty() && !validation::IsValidE164(person.phone())) {
    out->Add(Child(contact, "phone"), "must be in E.164 form, e.g. \"+4989123456\"");
  }
  if (person.email().empty() && person.phone().empty()) {
    out->Add(Child(contact, "email"), "is required when there is no phone number");
  }
  if (!lead.country_code().empty() && !validation::IsIsoCountryCode(lead.country_code())) {
    out->Add(Child(path, "country_code"), "must be an ISO 3166-1 alpha-2 code, e.g. \"DE\"");
  }
  validation::CheckText(lead.region(), 100, Child(path, "region"), out);
  if (!lead.industry_code().empty() && !validation::IsIndustryCode(lead.industry_code())) {
    out->Add(Child(path, "industry_code"), validation::kIndustryCodeForm);
  }
  if (!lead.product_group().empty() && !validation::IsProductGroup(lead.product_group())) {
    out->Add(Child(path, "product_group"), validation::kProductGroupForm);
  }
  money::CheckMoney(lead.estimated_value(), Child(path, "estimated_value"), false, false, "", out);
  validation::CheckText(lead.notes(), 4000, Child(path, "notes"), out);
  validation::CheckOptionalReference(lead.account(), "partners", Child(path, "account"), out);
}

void ValidateLeadScoringRule(const v1::LeadScoringRule& rule, const std::string& path,
                             Violations* out) {
  validation::CheckRequiredText(rule.display_name(), 200, Child(path, "display_name"), out);
  const std::string condition = Child(path, "condition");
  if (IsEmpty(rule.condition())) {
    out->Add(condition, "needs at least one condition");
  } else {
    ValidateCondition(rule.condition(), condition, false, out);
  }
  if (rule.points() == 0 || rule.points() < -100 || rule.points() > 100) {
    out->Add(Child(path, "points"), "must be from -100 to 100 and not 0");
  }
}

void ValidateLeadRoutingRule(const v1::LeadRoutingRule& rule, const std::string& path,
                             Violations* out) {
  validation::CheckRequiredText(rule.display_name(), 200, Child(path, "display_name"), out);
  if (rule.priority() < 1 || rule.priority() > 10000) {
    out->Add(Child(path, "priority"), "must be from 1 to 10000");
  }
  ValidateCondition(rule.condition(), Child(path, "condition"), true, out);
  const std::string assignee = Child(path, "assignee");
  if (rule.assignee().empty()) {
    out->Add(assignee, "is required");
  } else {
    validation::CheckOptionalReference(rule.assignee(), "partners", assignee, out);
  }
}

bool LeadMatches(const v1::LeadCondition& c, const v1::Lead& lead) {
  if (!Listed(c.sources(), lead.source())) return false;
  if (!Listed(c.levels(), lead.level())) return false;
  if (!Listed(c.country_codes(), lead.country_code())) return false;
  if (!Listed(c.product_groups(), lead.product_group())) return false;
  if (!c.regions().empty() &&
      std::none_of(c.regions().begin(), c.regions().end(), [&](const std::string& region) {
        return absl::EqualsIgnoreCase(region, lead.region());
      })) {
    return false;
  }
  if (!c.industry_code_prefixes().empty() &&
      std::none_of(c.industry_code_prefixes().begin(), c.industry_code_prefixes().end(),
                   [&](const std::string& prefix) {
                     return absl::StartsWith(lead.industry_code(), prefix);
                   })) {
    return false;
  }
  if (c.has_min_estimated_value()) {
    if (lead.estimated_value().currency_code() != c.min_estimated_value().currency_code() ||
        money::ToNanos(lead.estimated_value()) < money::ToNanos(c.min_estimated_value())) {
      return false;
    }
  }
  if (c.requires_company() && lead.contact().company_name().empty()) return false;
  if (c.requires_phone() && lead.contact().phone().empty()) return false;
  if (c.requires_campaign() && lead.campaign().empty()) return false;
  return true;
}

v1::LeadLevel LevelOf(int score) {
  if (score >= kHotScore) return v1::LEAD_LEVEL_HOT;
  if (score >= kWarmScore) return v1::LEAD_LEVEL_WARM;
  return v1::LEAD_LEVEL_COLD;
}

void ScoreLead(const std::vector<v1::LeadScoringRule>& rules, v1::Lead* lead) {
  int score = 0;
  lead->clear_matched_scoring_rules();
  for (const v1::LeadScoringRule& rule : rules) {
    if (!LeadMatches(rule.condition(), *lead)) continue;
    score += rule.points();
    lead->add_matched_scoring_rules(rule.name());
  }
  score = std::clamp(score, 0, 100);
  lead->set_score(score);
  lead->set_level(LevelOf(score));
}

const v1::LeadRoutingRule* RouteLead(const std::vector<v1::LeadRoutingRule>& rules,
                                     const v1::Lead& lead) {
  for (const v1::LeadRoutingRule& rule : rules) {
    if (LeadMatches(rule.condition(), lead)) return &rule;
  }
  return nullptr;
}

}  // namespace crm::marketing
