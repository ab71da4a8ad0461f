// The rules of leads without storage: ValidateLead (e-mail format, E.164
// phone, an e-mail or a phone, ISO country code, codes, amounts and
// references), ValidateLeadScoringRule (points from -100 to 100 and not 0,
// at least one condition, no levels) and ValidateLeadRoutingRule (priority
// from 1 to 10000, an assignee, levels allowed), each bad field with its
// exact path; LeadMatches for each kind of condition; LevelOf at the
// thresholds; ScoreLead (the sum kept within 0 to 100, matched rules in
// order); RouteLead (the first matching rule in the order given).
#include "services/marketing/lead_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/marketing/v1/lead.pb.h"

namespace crm::marketing {
namespace {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
using type::v1::Money;

Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
Money Eur(int64_t units, int32_t nanos = 0) { return Cash("EUR", units, nanos); }

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

// A valid lead using every field a client may set.
v1::Lead Chairs() {
  v1::Lead lead;
  lead.set_display_name("200 office chairs for the new site");
  lead.set_source(v1::LEAD_SOURCE_WEB);
  lead.set_campaign("campaigns/autumn");
  v1::LeadContact* contact = lead.mutable_contact();
  contact->set_given_name("Ann");
  contact->set_family_name("Lee");
  contact->set_company_name("Lee Retail GmbH");
  contact->set_email("ann.lee@example.com");
  contact->set_phone("+4989123456");
  contact->set_job_title("Purchasing");
  lead.set_country_code("DE");
  lead.set_region("BY");
  lead.set_industry_code("47.11");
  lead.set_product_group("OFFICE-CHAIRS");
  *lead.mutable_estimated_value() = Eur(20000);
  lead.set_notes("Call after 10 am");
  lead.set_account("partners/lee-retail");
  return lead;
}

// Only what a lead needs.
v1::Lead Bare() {
  v1::Lead lead;
  lead.set_display_name("Interest");
  lead.set_source(v1::LEAD_SOURCE_EVENT);
  lead.mutable_contact()->set_family_name("Lee");
  lead.mutable_contact()->set_email("lee@example.org");
  return lead;
}

Violations Check(const v1::Lead& lead) {
  Violations out;
  ValidateLead(lead, "lead", &out);
  return out;
}
Fields LeadFields(const v1::Lead& lead) { return FieldsOf(Check(lead)); }

v1::LeadScoringRule Scoring(const std::string& id, int points, const v1::LeadCondition& condition) {
  v1::LeadScoringRule rule;
  rule.set_name(absl::StrCat("leadScoringRules/", id));
  rule.set_display_name(absl::StrCat("Rule ", id));
  *rule.mutable_condition() = condition;
  rule.set_points(points);
  return rule;
}
Violations CheckScoring(const v1::LeadScoringRule& rule) {
  Violations out;
  ValidateLeadScoringRule(rule, "rule", &out);
  return out;
}

v1::LeadRoutingRule Routing(const std::string& id, int priority,
                            const v1::LeadCondition& condition) {
  v1::LeadRoutingRule rule;
  rule.set_name(absl::StrCat("leadRoutingRules/", id));
  rule.set_display_name(absl::StrCat("Route ", id));
  rule.set_priority(priority);
  *rule.mutable_condition() = condition;
  rule.set_assignee(absl::StrCat("partners/rep-", id));
  return rule;
}
Violations CheckRouting(const v1::LeadRoutingRule& rule) {
  Violations out;
  ValidateLeadRoutingRule(rule, "rule", &out);
  return out;
}

v1::LeadCondition FromSource(v1::LeadSource source) {
  v1::LeadCondition c;
  c.add_sources(source);
  return c;
}
v1::LeadCondition InCountry(const std::string& code) {
  v1::LeadCondition c;
  c.add_country_codes(code);
  return c;
}
v1::LeadCondition Industry(const std::string& prefix) {
  v1::LeadCondition c;
  c.add_industry_code_prefixes(prefix);
  return c;
}
v1::LeadCondition AtLevel(v1::LeadLevel level) {
  v1::LeadCondition c;
  c.add_levels(level);
  return c;
}
v1::LeadCondition WorthAtLeast(const Money& value) {
  v1::LeadCondition c;
  *c.mutable_min_estimated_value() = value;
  return c;
}

}  // namespace

// ---------------------------------------------------------------------------
// ValidateLead

TEST_CASE("lead rules: valid leads pass", "[marketing][lead]") {
  CHECK(Check(Chairs()).empty());
  CHECK(Check(Bare()).empty());
  v1::Lead phone_only = Bare();
  phone_only.mutable_contact()->clear_email();
  phone_only.mutable_contact()->set_phone("+12345678");
  CHECK(Check(phone_only).empty());
}

TEST_CASE("lead rules: the e-mail address must be valid", "[marketing][lead]") {
  for (const char* bad :
       {"ann", "ann@", "@example.com", "ann@@example.com", "ann@example", "ann@example.c",
        "ann lee@example.com", ".ann@example.com", "ann..lee@example.com", "ann@exa_mple.com"}) {
    INFO(bad);
    v1::Lead lead = Chairs();
    lead.mutable_contact()->set_email(bad);
    const Violations out = Check(lead);
    CHECK(FieldsOf(out) == Fields{"lead.contact.email"});
    CHECK(DescriptionOf(out, "lead.contact.email") ==
          "must be a valid e-mail address, e.g. \"ann@example.com\"");
  }
  for (const char* good : {"a@b.de", "ann.lee+crm@mail.example.com", "ANN@EXAMPLE.COM"}) {
    INFO(good);
    v1::Lead lead = Chairs();
    lead.mutable_contact()->set_email(good);
    CHECK(LeadFields(lead).empty());
  }
}

TEST_CASE("lead rules: the phone number is in E.164 form", "[marketing][lead]") {
  for (const char* bad : {"089123456", "+0891234567", "+49 89 123456", "+49-89-123456", "+1234567",
                          "+1234567890123456", "+"}) {
    INFO(bad);
    v1::Lead lead = Chairs();
    lead.mutable_contact()->set_phone(bad);
    CHECK(LeadFields(lead) == Fields{"lead.contact.phone"});
  }
  for (const char* good : {"+12345678", "+123456789012345", "+4989123456"}) {
    INFO(good);
    v1::Lead lead = Chairs();
    lead.mutable_contact()->set_phone(good);
    CHECK(LeadFields(lead).empty());
  }
}

TEST_CASE("lead rules: a lead needs an e-mail address or a phone number", "[marketing][lead]") {
  v1::Lead lead = Chairs();
  lead.mutable_contact()->clear_email();
  lead.mutable_contact()->clear_phone();
  const Violations out = Check(lead);
  CHECK(FieldsOf(out) == Fields{"lead.contact.email"});
  CHECK(DescriptionOf(out, "lead.contact.email") == "is required when there is no phone number");
  // A bad phone is named as such, not as a missing e-mail.
  lead.mutable_contact()->set_phone("12345");
  CHECK(LeadFields(lead) == Fields{"lead.contact.phone"});
}

TEST_CASE("lead rules: names, source and contact texts", "[marketing][lead]") {
  v1::Lead lead = Chairs();
  lead.set_display_name(" ");
  lead.set_source(v1::LEAD_SOURCE_UNSPECIFIED);
  lead.mutable_contact()->clear_family_name();
  CHECK(LeadFields(lead) == Fields{"lead.display_name", "lead.source", "lead.contact.family_name"});
  lead = Chairs();
  lead.set_source(static_cast<v1::LeadSource>(99));
  const Violations unknown = Check(lead);
  CHECK(FieldsOf(unknown) == Fields{"lead.source"});
  CHECK(DescriptionOf(unknown, "lead.source") == "unknown value 99");
  lead = Chairs();
  lead.mutable_contact()->set_given_name(std::string(101, 'g'));
  lead.mutable_contact()->set_company_name(std::string(201, 'c'));
  lead.mutable_contact()->set_job_title(std::string(101, 'j'));
  CHECK(LeadFields(lead) ==
        Fields{"lead.contact.given_name", "lead.contact.company_name", "lead.contact.job_title"});
  lead = Chairs();
  lead.set_display_name(std::string(201, 'd'));
  lead.set_notes(std::string(4001, 'n'));
  CHECK(LeadFields(lead) == Fields{"lead.display_name", "lead.notes"});
}

TEST_CASE("lead rules: country, region, codes, value and references", "[marketing][lead]") {
  for (const char* bad : {"de", "DEU", "XX", "D"}) {
    INFO(bad);
    v1::Lead lead = Chairs();
    lead.set_country_code(bad);
    CHECK(LeadFields(lead) == Fields{"lead.country_code"});
  }
  v1::Lead lead = Chairs();
  lead.set_region(std::string(101, 'r'));
  lead.set_industry_code("47 11");
  lead.set_product_group(std::string(21, 'P'));
  CHECK(LeadFields(lead) == Fields{"lead.region", "lead.industry_code", "lead.product_group"});
  lead = Chairs();
  lead.set_region("Lower Saxony");
  lead.set_industry_code(std::string(20, '4'));
  lead.set_product_group(std::string(20, 'P'));
  CHECK(LeadFields(lead).empty());
  lead.set_industry_code(std::string(21, '4'));
  lead.set_product_group("chairs");  // sales' codes are upper case
  CHECK(LeadFields(lead) == Fields{"lead.industry_code", "lead.product_group"});

  lead = Chairs();
  *lead.mutable_estimated_value() = Eur(-1);
  CHECK(LeadFields(lead) == Fields{"lead.estimated_value"});
  *lead.mutable_estimated_value() = Cash("eur", 1);
  CHECK(LeadFields(lead) == Fields{"lead.estimated_value.currency_code"});
  lead.clear_estimated_value();
  CHECK(LeadFields(lead).empty());

  lead = Chairs();
  lead.set_campaign("partners/autumn");
  lead.set_account("leads/x");
  CHECK(LeadFields(lead) == Fields{"lead.campaign", "lead.account"});
}

// ---------------------------------------------------------------------------
// ValidateLeadScoringRule and ValidateLeadRoutingRule

TEST_CASE("lead rules: scoring rule points from -100 to 100, not 0", "[marketing][lead]") {
  for (int points : {-100, -1, 1, 100}) {
    INFO(points);
    CHECK(CheckScoring(Scoring("s", points, Industry("47"))).empty());
  }
  for (int points : {0, 101, -101, 1000}) {
    INFO(points);
    const Violations out = CheckScoring(Scoring("s", points, Industry("47")));
    CHECK(FieldsOf(out) == Fields{"rule.points"});
    CHECK(DescriptionOf(out, "rule.points") == "must be from -100 to 100 and not 0");
  }
  v1::LeadScoringRule unnamed = Scoring("s", 10, Industry("47"));
  unnamed.clear_display_name();
  CHECK(FieldsOf(CheckScoring(unnamed)) == Fields{"rule.display_name"});
}

TEST_CASE("lead rules: a scoring rule needs a condition and takes no levels", "[marketing][lead]") {
  const Violations empty = CheckScoring(Scoring("s", 10, v1::LeadCondition()));
  CHECK(FieldsOf(empty) == Fields{"rule.condition"});
  CHECK(DescriptionOf(empty, "rule.condition") == "needs at least one condition");

  const Violations levels = CheckScoring(Scoring("s", 10, AtLevel(v1::LEAD_LEVEL_HOT)));
  CHECK(FieldsOf(levels) == Fields{"rule.condition.levels"});
  CHECK(DescriptionOf(levels, "rule.condition.levels") ==
        "is only for routing rules: a score does not depend on it");

  // Each kind of condition counts on its own.
  v1::LeadCondition company;
  company.set_requires_company(true);
  CHECK(CheckScoring(Scoring("s", 10, company)).empty());
  v1::LeadCondition phone;
  phone.set_requires_phone(true);
  CHECK(CheckScoring(Scoring("s", 10, phone)).empty());
  v1::LeadCondition campaign;
  campaign.set_requires_campaign(true);
  CHECK(CheckScoring(Scoring("s", 10, campaign)).empty());
  CHECK(CheckScoring(Scoring("s", 10, WorthAtLeast(Eur(1000)))).empty());
  CHECK(CheckScoring(Scoring("s", 10, FromSource(v1::LEAD_SOURCE_EVENT))).empty());
}

TEST_CASE("lead rules: each bad condition value is named", "[marketing][lead]") {
  v1::LeadCondition c;
  c.add_sources(v1::LEAD_SOURCE_WEB);
  c.add_sources(v1::LEAD_SOURCE_UNSPECIFIED);
  c.add_sources(v1::LEAD_SOURCE_WEB);
  c.add_sources(static_cast<v1::LeadSource>(99));
  c.add_country_codes("DE");
  c.add_country_codes("de");
  c.add_country_codes("DE");
  c.add_regions("Lower Saxony");
  c.add_regions("lower saxony");
  c.add_industry_code_prefixes(std::string(20, '4'));
  c.add_industry_code_prefixes(std::string(21, '4'));
  c.add_product_groups("CHAIRS");
  c.add_product_groups("CHAIRS");
  c.add_product_groups("");
  *c.mutable_min_estimated_value() = Eur(-5);
  CHECK(FieldsOf(CheckScoring(Scoring("s", 10, c))) ==
        Fields{"rule.condition.sources[1]", "rule.condition.sources[2]",
               "rule.condition.sources[3]", "rule.condition.country_codes[1]",
               "rule.condition.country_codes[2]", "rule.condition.regions[1]",
               "rule.condition.industry_code_prefixes[1]", "rule.condition.product_groups[1]",
               "rule.condition.product_groups[2]", "rule.condition.min_estimated_value"});

  v1::LeadCondition many;
  for (int i = 0; i < 51; ++i) many.add_product_groups(absl::StrCat("G", i));
  CHECK(FieldsOf(CheckScoring(Scoring("s", 10, many))) == Fields{"rule.condition.product_groups"});
}

TEST_CASE("lead rules: routing rules need a priority from 1 to 10000 and an assignee",
          "[marketing][lead]") {
  CHECK(CheckRouting(Routing("a", 1, v1::LeadCondition())).empty());  // takes every lead
  CHECK(CheckRouting(Routing("a", 10000, InCountry("DE"))).empty());
  for (int priority : {0, -1, 10001}) {
    INFO(priority);
    CHECK(FieldsOf(CheckRouting(Routing("a", priority, InCountry("DE")))) ==
          Fields{"rule.priority"});
  }
  v1::LeadRoutingRule rule = Routing("a", 5, v1::LeadCondition());
  rule.clear_assignee();
  const Violations missing = CheckRouting(rule);
  CHECK(FieldsOf(missing) == Fields{"rule.assignee"});
  CHECK(DescriptionOf(missing, "rule.assignee") == "is required");
  rule.set_assignee("employees/bob");
  CHECK(FieldsOf(CheckRouting(rule)) == Fields{"rule.assignee"});
  rule.set_assignee("partners/bob");
  rule.clear_display_name();
  CHECK(FieldsOf(CheckRouting(rule)) == Fields{"rule.display_name"});
}

TEST_CASE("lead rules: routing rules may use known levels, each once", "[marketing][lead]") {
  v1::LeadCondition levels;
  levels.add_levels(v1::LEAD_LEVEL_HOT);
  levels.add_levels(v1::LEAD_LEVEL_WARM);
  CHECK(CheckRouting(Routing("a", 5, levels)).empty());
  levels.add_levels(v1::LEAD_LEVEL_HOT);
  levels.add_levels(v1::LEAD_LEVEL_UNSPECIFIED);
  levels.add_levels(static_cast<v1::LeadLevel>(99));
  CHECK(FieldsOf(CheckRouting(Routing("a", 5, levels))) ==
        Fields{"rule.condition.levels[2]", "rule.condition.levels[3]", "rule.condition.levels[4]"});
  CHECK(FieldsOf(CheckRouting(Routing("a", 5, InCountry("XX")))) ==
        Fields{"rule.condition.country_codes[0]"});
}

// ---------------------------------------------------------------------------
// LeadMatches

TEST_CASE("lead rules: a condition without members matches every lead", "[marketing][lead]") {
  CHECK(LeadMatches(v1::LeadCondition(), Chairs()));
  CHECK(LeadMatches(v1::LeadCondition(), v1::Lead()));
}

TEST_CASE("lead rules: sources, levels, countries and product groups are listed values",
          "[marketing][lead]") {
  const v1::Lead lead = Chairs();  // web, DE, office-chairs
  CHECK(LeadMatches(FromSource(v1::LEAD_SOURCE_WEB), lead));
  v1::LeadCondition sources = FromSource(v1::LEAD_SOURCE_EVENT);
  CHECK_FALSE(LeadMatches(sources, lead));
  sources.add_sources(v1::LEAD_SOURCE_WEB);
  CHECK(LeadMatches(sources, lead));

  v1::Lead hot = lead;
  hot.set_level(v1::LEAD_LEVEL_HOT);
  CHECK(LeadMatches(AtLevel(v1::LEAD_LEVEL_HOT), hot));
  CHECK_FALSE(LeadMatches(AtLevel(v1::LEAD_LEVEL_WARM), hot));
  CHECK_FALSE(LeadMatches(AtLevel(v1::LEAD_LEVEL_HOT), lead));  // not scored

  CHECK(LeadMatches(InCountry("DE"), lead));
  CHECK_FALSE(LeadMatches(InCountry("AT"), lead));
  v1::Lead nowhere = lead;
  nowhere.clear_country_code();
  CHECK_FALSE(LeadMatches(InCountry("DE"), nowhere));

  v1::LeadCondition groups;
  groups.add_product_groups("DESKS");
  CHECK_FALSE(LeadMatches(groups, lead));
  groups.add_product_groups("OFFICE-CHAIRS");
  CHECK(LeadMatches(groups, lead));
  groups.set_product_groups(1, "office-chairs");
  CHECK_FALSE(LeadMatches(groups, lead));
}

TEST_CASE("lead rules: regions without case, industries by prefix", "[marketing][lead]") {
  const v1::Lead lead = Chairs();  // BY, 47.11
  v1::LeadCondition regions;
  regions.add_regions("by");
  CHECK(LeadMatches(regions, lead));
  regions.set_regions(0, "BW");
  CHECK_FALSE(LeadMatches(regions, lead));
  regions.add_regions("By");
  CHECK(LeadMatches(regions, lead));

  CHECK(LeadMatches(Industry("47"), lead));
  CHECK(LeadMatches(Industry("47.11"), lead));
  CHECK_FALSE(LeadMatches(Industry("47.111"), lead));
  CHECK_FALSE(LeadMatches(Industry("46"), lead));
  CHECK_FALSE(LeadMatches(Industry("7"), lead));
  v1::LeadCondition two = Industry("46");
  two.add_industry_code_prefixes("47.1");
  CHECK(LeadMatches(two, lead));
  v1::Lead no_industry = lead;
  no_industry.clear_industry_code();
  CHECK_FALSE(LeadMatches(Industry("4"), no_industry));
}

TEST_CASE("lead rules: a minimum estimated value in the same currency", "[marketing][lead]") {
  const v1::Lead lead = Chairs();  // EUR 20000
  CHECK(LeadMatches(WorthAtLeast(Eur(20000)), lead));
  CHECK(LeadMatches(WorthAtLeast(Eur(19999, 999999999)), lead));
  CHECK_FALSE(LeadMatches(WorthAtLeast(Eur(20000, 1)), lead));
  CHECK_FALSE(LeadMatches(WorthAtLeast(Cash("USD", 1)), lead));
  v1::Lead no_value = lead;
  no_value.clear_estimated_value();
  CHECK_FALSE(LeadMatches(WorthAtLeast(Eur(0)), no_value));
}

TEST_CASE("lead rules: company, phone and campaign required", "[marketing][lead]") {
  v1::LeadCondition c;
  c.set_requires_company(true);
  c.set_requires_phone(true);
  c.set_requires_campaign(true);
  CHECK(LeadMatches(c, Chairs()));
  v1::Lead lead = Chairs();
  lead.mutable_contact()->clear_company_name();
  CHECK_FALSE(LeadMatches(c, lead));
  lead = Chairs();
  lead.mutable_contact()->clear_phone();
  CHECK_FALSE(LeadMatches(c, lead));
  lead = Chairs();
  lead.clear_campaign();
  CHECK_FALSE(LeadMatches(c, lead));
  CHECK_FALSE(LeadMatches(c, Bare()));
}

TEST_CASE("lead rules: every condition set must hold", "[marketing][lead]") {
  v1::LeadCondition c = FromSource(v1::LEAD_SOURCE_WEB);
  c.add_country_codes("DE");
  c.add_regions("BY");
  c.add_industry_code_prefixes("47");
  c.add_product_groups("OFFICE-CHAIRS");
  *c.mutable_min_estimated_value() = Eur(10000);
  c.set_requires_phone(true);
  CHECK(LeadMatches(c, Chairs()));
  v1::Lead lead = Chairs();
  lead.set_source(v1::LEAD_SOURCE_PHONE);
  CHECK_FALSE(LeadMatches(c, lead));
  lead = Chairs();
  lead.set_region("HE");
  CHECK_FALSE(LeadMatches(c, lead));
  lead = Chairs();
  *lead.mutable_estimated_value() = Eur(9999);
  CHECK_FALSE(LeadMatches(c, lead));
}

// ---------------------------------------------------------------------------
// LevelOf, ScoreLead and RouteLead

TEST_CASE("lead rules: LevelOf at the thresholds", "[marketing][lead]") {
  CHECK(LevelOf(0) == v1::LEAD_LEVEL_COLD);
  CHECK(LevelOf(39) == v1::LEAD_LEVEL_COLD);
  CHECK(LevelOf(40) == v1::LEAD_LEVEL_WARM);
  CHECK(LevelOf(69) == v1::LEAD_LEVEL_WARM);
  CHECK(LevelOf(70) == v1::LEAD_LEVEL_HOT);
  CHECK(LevelOf(100) == v1::LEAD_LEVEL_HOT);
}

TEST_CASE("lead rules: ScoreLead adds the points of the matching rules in order",
          "[marketing][lead]") {
  v1::LeadCondition phone;
  phone.set_requires_phone(true);
  v1::LeadCondition desks;
  desks.add_product_groups("DESKS");
  const std::vector<v1::LeadScoringRule> rules = {
      Scoring("web", 30, FromSource(v1::LEAD_SOURCE_WEB)),
      Scoring("desks", 50, desks),
      Scoring("de", 20, InCountry("DE")),
      Scoring("phone", -10, phone),
  };
  v1::Lead lead = Chairs();
  lead.add_matched_scoring_rules("leadScoringRules/stale");
  ScoreLead(rules, &lead);
  CHECK(lead.score() == 40);
  CHECK(lead.level() == v1::LEAD_LEVEL_WARM);
  CHECK(Strings(lead.matched_scoring_rules().begin(), lead.matched_scoring_rules().end()) ==
        Strings{"leadScoringRules/web", "leadScoringRules/de", "leadScoringRules/phone"});

  v1::Lead bare = Bare();  // event, no country, no phone
  bare.add_matched_scoring_rules("leadScoringRules/stale");
  bare.set_score(90);
  ScoreLead(rules, &bare);
  CHECK(bare.score() == 0);
  CHECK(bare.level() == v1::LEAD_LEVEL_COLD);
  CHECK(bare.matched_scoring_rules().empty());

  v1::Lead none = Chairs();
  ScoreLead({}, &none);
  CHECK(none.score() == 0);
  CHECK(none.level() == v1::LEAD_LEVEL_COLD);
}

TEST_CASE("lead rules: the score is the sum kept within 0 to 100", "[marketing][lead]") {
  const v1::Lead lead = Chairs();
  v1::Lead high = lead;
  ScoreLead({Scoring("a", 80, InCountry("DE")), Scoring("b", 70, Industry("47"))}, &high);
  CHECK(high.score() == 100);
  CHECK(high.level() == v1::LEAD_LEVEL_HOT);
  CHECK(high.matched_scoring_rules_size() == 2);

  v1::Lead low = lead;
  ScoreLead({Scoring("a", -50, InCountry("DE")), Scoring("b", 20, Industry("47"))}, &low);
  CHECK(low.score() == 0);
  CHECK(low.level() == v1::LEAD_LEVEL_COLD);
  CHECK(low.matched_scoring_rules_size() == 2);

  // The sum is kept within bounds, not each step: -50 + 60 is 10.
  v1::Lead mixed = lead;
  ScoreLead({Scoring("a", -50, InCountry("DE")), Scoring("b", 60, Industry("47"))}, &mixed);
  CHECK(mixed.score() == 10);

  v1::Lead hot = lead;
  ScoreLead({Scoring("a", 70, InCountry("DE"))}, &hot);
  CHECK(hot.score() == 70);
  CHECK(hot.level() == v1::LEAD_LEVEL_HOT);
  v1::Lead warm = lead;
  ScoreLead({Scoring("a", 69, InCountry("DE"))}, &warm);
  CHECK(warm.level() == v1::LEAD_LEVEL_WARM);
}

TEST_CASE("lead rules: RouteLead takes the first matching rule in the order given",
          "[marketing][lead]") {
  v1::Lead lead = Chairs();
  lead.set_level(v1::LEAD_LEVEL_HOT);
  const std::vector<v1::LeadRoutingRule> rules = {
      Routing("austria", 1, InCountry("AT")),
      Routing("warm", 2, AtLevel(v1::LEAD_LEVEL_WARM)),
      Routing("web", 50, FromSource(v1::LEAD_SOURCE_WEB)),
      Routing("hot", 3, AtLevel(v1::LEAD_LEVEL_HOT)),
      Routing("rest", 10000, v1::LeadCondition()),
  };
  const v1::LeadRoutingRule* chosen = RouteLead(rules, lead);
  REQUIRE(chosen != nullptr);
  CHECK(chosen == &rules[2]);
  CHECK(chosen->assignee() == "partners/rep-web");

  lead.set_source(v1::LEAD_SOURCE_PHONE);
  chosen = RouteLead(rules, lead);
  REQUIRE(chosen != nullptr);
  CHECK(chosen->name() == "leadRoutingRules/hot");

  lead.set_level(v1::LEAD_LEVEL_COLD);
  chosen = RouteLead(rules, lead);
  REQUIRE(chosen != nullptr);
  CHECK(chosen->name() == "leadRoutingRules/rest");

  const std::vector<v1::LeadRoutingRule> narrow(rules.begin(), rules.begin() + 4);
  CHECK(RouteLead(narrow, lead) == nullptr);
  CHECK(RouteLead({}, lead) == nullptr);
}

}  // namespace crm::marketing
