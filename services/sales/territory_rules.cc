#include "services/sales/territory_rules.h"

#include <map>
#include <functional>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "services/sales/catalog_validation.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

constexpr int kMaxCriterionValues = 100;
constexpr int kMaxCountries = 300;

// Postal codes compare without spaces and case: "80 331" is "80331".
std::string PostalKey(const std::string& code) {
  return absl::AsciiStrToUpper(absl::StrReplaceAll(code, {{" ", ""}}));
}

// A list of short texts: each present, at most `max_chars`, each once
// (compared by `key`).
template <typename Key>
void CheckTextList(const google::protobuf::RepeatedPtrField<std::string>& values, int max_entries,
                   size_t max_chars, const std::string& field, Key key, Violations* out) {
  if (!validation::CheckMaxEntries(values.size(), max_entries, field, out)) return;
  std::set<std::string> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string at = Element(field, i);
    if (!validation::CheckRequiredText(values[i], max_chars, at, out)) continue;
    if (!seen.insert(key(values[i])).second) out->Add(at, absl::StrCat("\"", values[i], "\" is listed twice"));
  }
}

void ValidateRule(const v1::TerritoryRule& rule, const std::string& path, Violations* out) {
  const std::string countries = Child(path, "country_codes");
  CheckTextList(rule.country_codes(), kMaxCountries, 2, countries,
                [](const std::string& s) { return s; }, out);
  for (int i = 0; i < rule.country_codes_size(); ++i) {
    const std::string& code = rule.country_codes(i);
    if (!code.empty() && code.size() <= 2 && !validation::IsIsoCountryCode(code)) {
      out->Add(Element(countries, i), "must be an ISO 3166-1 alpha-2 code, upper case, e.g. \"DE\"");
    }
  }
  CheckTextList(rule.regions(), kMaxCriterionValues, 100, Child(path, "regions"),
                [](const std::string& s) { return absl::AsciiStrToLower(s); }, out);
  const std::string ranges = Child(path, "postal_code_ranges");
  if (validation::CheckMaxEntries(rule.postal_code_ranges_size(), kMaxCriterionValues, ranges,
                                  out)) {
    for (int i = 0; i < rule.postal_code_ranges_size(); ++i) {
      const v1::PostalCodeRange& range = rule.postal_code_ranges(i);
      const std::string at = Element(ranges, i);
      const bool first_ok = validation::CheckRequiredText(range.first(), 20, Child(at, "first"), out);
      const bool last_ok = validation::CheckRequiredText(range.last(), 20, Child(at, "last"), out);
      if (first_ok && last_ok && PostalKey(range.last()) < PostalKey(range.first())) {
        out->Add(Child(at, "last"), absl::StrCat("must not be before first (\"", range.first(), "\")"));
      }
    }
  }
  const std::string industries = Child(path, "industry_codes");
  CheckTextList(rule.industry_codes(), kMaxCriterionValues, 20, industries,
                [](const std::string& s) { return s; }, out);
  for (int i = 0; i < rule.industry_codes_size(); ++i) {
    const std::string& code = rule.industry_codes(i);
    if (code.size() <= 20 && !validation::IsAsciiAlnumOr(code, ".-")) {
      out->Add(Element(industries, i), "may contain only letters, digits, dots and dashes");
    }
  }
  const std::string min = Child(path, "min_employee_count");
  const std::string max = Child(path, "max_employee_count");
  if (rule.min_employee_count() < 0) out->Add(min, "must not be negative");
  if (rule.max_employee_count() < 0) {
    out->Add(max, "must not be negative");
  } else if (rule.max_employee_count() > 0 &&
             rule.max_employee_count() < rule.min_employee_count()) {
    out->Add(max, absl::StrCat("must not be below min_employee_count (",
                               rule.min_employee_count(), ")"));
  }
  const std::string groups = Child(path, "product_groups");
  CheckTextList(rule.product_groups(), kMaxCriterionValues, 20, groups,
                [](const std::string& s) { return s; }, out);
  for (int i = 0; i < rule.product_groups_size(); ++i) {
    if (!rule.product_groups(i).empty() && !IsProductGroup(rule.product_groups(i))) {
      out->Add(Element(groups, i), kProductGroupForm);
    }
  }
  if (rule.country_codes().empty() && rule.regions().empty() &&
      rule.postal_code_ranges().empty() && rule.industry_codes().empty() &&
      rule.min_employee_count() == 0 && rule.max_employee_count() == 0 &&
      rule.product_groups().empty()) {
    out->Add(path, "must set at least one criterion");
  }
}

}  // namespace

void ValidateTerritory(const v1::Territory& territory, const std::string& path, Violations* out) {
  validation::CheckRequiredText(territory.display_name(), 200, Child(path, "display_name"), out);
  if (!territory.parent().empty()) {
    out->AddAll(
        api::ParseResourceName(territory.parent(), "territories", Child(path, "parent")).status());
  }
  const std::string rules = Child(path, "rules");
  if (validation::CheckMaxEntries(territory.rules_size(), kMaxTerritoryRules, rules, out)) {
    for (int i = 0; i < territory.rules_size(); ++i) {
      ValidateRule(territory.rules(i), Element(rules, i), out);
    }
  }
  if (territory.priority() < -1000 || territory.priority() > 1000) {
    out->Add(Child(path, "priority"), "must be from -1000 to 1000");
  }
  const std::string reps = Child(path, "sales_reps");
  if (validation::CheckMaxEntries(territory.sales_reps_size(), kMaxSalesReps, reps, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < territory.sales_reps_size(); ++i) {
      const std::string at = Element(reps, i);
      const std::string& rep = territory.sales_reps(i);
      if (rep.empty()) {
        out->Add(at, "is required");
      } else if (absl::Status s = api::ParseResourceName(rep, "partners", at).status(); !s.ok()) {
        out->AddAll(s);
      } else if (!seen.insert(rep).second) {
        out->Add(at, absl::StrCat(rep, " is listed twice"));
      }
    }
  }
}

v1::AccountFacts AccountFactsOf(const partners::v1::Partner& partner) {
  v1::AccountFacts facts;
  const partners::v1::Address* address = nullptr;
  for (const partners::v1::Address& a : partner.addresses()) {
    if (address == nullptr || (a.is_default() && !address->is_default())) address = &a;
  }
  if (address != nullptr) {
    facts.set_country_code(address->country_code());
    facts.set_region(address->region());
    facts.set_postal_code(address->postal_code());
  }
  if (partner.has_organization()) {
    facts.set_industry_code(partner.organization().industry_code());
    facts.set_employee_count(partner.organization().employee_count());
  }
  return facts;
}

bool RuleMatches(const v1::TerritoryRule& rule, const v1::AccountFacts& facts,
                 const std::string& product_group) {
  auto any_of = [](const auto& list, auto pred) {
    if (list.empty()) return true;
    for (const auto& value : list) {
      if (pred(value)) return true;
    }
    return false;
  };
  if (!any_of(rule.country_codes(),
              [&](const std::string& c) { return c == facts.country_code(); })) {
    return false;
  }
  if (!any_of(rule.regions(),
              [&](const std::string& r) { return absl::EqualsIgnoreCase(r, facts.region()); })) {
    return false;
  }
  const std::string postal = PostalKey(facts.postal_code());
  if (!any_of(rule.postal_code_ranges(), [&](const v1::PostalCodeRange& range) {
        return !postal.empty() && PostalKey(range.first()) <= postal &&
               postal <= PostalKey(range.last());
      })) {
    return false;
  }
  if (!any_of(rule.industry_codes(), [&](const std::string& prefix) {
        return !facts.industry_code().empty() && absl::StartsWith(facts.industry_code(), prefix);
      })) {
    return false;
  }
  if (rule.min_employee_count() > 0 && facts.employee_count() < rule.min_employee_count()) {
    return false;
  }
  if (rule.max_employee_count() > 0 &&
      (facts.employee_count() == 0 || facts.employee_count() > rule.max_employee_count())) {
    return false;
  }
  return any_of(rule.product_groups(), [&](const std::string& g) { return g == product_group; });
}

std::string AssignTerritory(const std::vector<v1::Territory>& territories,
                            const v1::AccountFacts& facts, const std::string& product_group) {
  std::map<std::string, const v1::Territory*> by_name;
  for (const v1::Territory& t : territories) by_name[t.name()] = &t;
  // Depth when the territory takes the account, nullopt when not;
  // memoised, and bounded in case stored parents ever form a loop.
  std::map<std::string, std::optional<int>> depth;
  std::function<std::optional<int>(const std::string&, int)> takes =
      [&](const std::string& name, int guard) -> std::optional<int> {
    if (guard > static_cast<int>(territories.size())) return std::nullopt;
    if (auto it = depth.find(name); it != depth.end()) return it->second;
    std::optional<int> result;
    auto it = by_name.find(name);
    if (it != by_name.end()) {
      const v1::Territory& t = *it->second;
      bool own = t.rules().empty();
      for (const v1::TerritoryRule& rule : t.rules()) own = own || RuleMatches(rule, facts, product_group);
      if (own) {
        if (t.parent().empty()) {
          result = 0;
        } else if (std::optional<int> up = takes(t.parent(), guard + 1)) {
          result = *up + 1;
        }
      }
    }
    depth[name] = result;
    return result;
  };
  std::string best;
  int best_depth = -1;
  int best_priority = 0;
  for (const auto& [name, territory] : by_name) {  // by name: ties go to the smallest
    std::optional<int> d = takes(name, 0);
    if (!d) continue;
    if (*d > best_depth || (*d == best_depth && territory->priority() > best_priority)) {
      best = name;
      best_depth = *d;
      best_priority = territory->priority();
    }
  }
  return best;
}

}  // namespace crm::sales
