// Lead assignment and the lead rules over a real gRPC channel and file,
// with a real partners service beside marketing: AssignLead by hand (to an
// employee or a channel partner) and by the first routing rule that
// matches, and the scoring and routing rules' own checks, order and
// updates.
#include "services/marketing/tests/lead_suite.h"

namespace crm::marketing::testing::lead_testing {
namespace {

TEST_CASE_METHOD(LeadSuite, "lead: assigned by hand to an employee or a channel partner",
                 "[marketing][lead]") {
  const std::string seller = Employee("Seller");
  const std::string reseller = ChannelPartner("Northwind Trading");
  const std::string customer = Person("Kunde", pv1::ROLE_TYPE_CUSTOMER);
  const mv1::Lead lead = Create(Draft("ann@example.com"));

  mv1::Lead out;
  REQUIRE(Outcome(TryAssign(lead.name(), seller, &out)) == "OK");
  CHECK(out.assignee() == seller);
  CHECK(out.routing_rule().empty());
  CHECK(out.state() == mv1::LEAD_STATE_OPEN);
  REQUIRE(Outcome(TryAssign(lead.name(), reseller, &out)) == "OK");
  CHECK(out.assignee() == reseller);
  const mv1::Lead assigned = out;

  CHECK(Result(TryAssign(lead.name(), customer, &out)) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE_OR_CHANNEL_PARTNER assignee");
  CHECK(Outcome(TryAssign(lead.name(), "partners/nothing", &out)) == "NOT_FOUND");
  CHECK(Outcome(TryAssign(lead.name(), "employees/e1", &out)) == "INVALID_ARGUMENT assignee");
  CHECK(Outcome(TryAssign("leads/nothing", seller, &out)) == "NOT_FOUND");
  CHECK(Get(lead.name()).SerializeAsString() == assigned.SerializeAsString());

  // With partners down a named assignee cannot be checked.
  StopPartners();
  CHECK(Outcome(TryAssign(lead.name(), seller, &out, 2)) == "UNAVAILABLE");
  CHECK(Get(lead.name()).SerializeAsString() == assigned.SerializeAsString());
}

TEST_CASE_METHOD(LeadSuite, "lead: assigned by the first routing rule it matches",
                 "[marketing][lead]") {
  const std::string bavaria_rep = Employee("Bayer");
  const std::string hot_rep = Employee("Heiss");
  const std::string reseller = ChannelPartner("Northwind Trading");
  mv1::LeadCondition web, big;
  web.add_sources(mv1::LEAD_SOURCE_WEB);
  *big.mutable_min_estimated_value() = Eur(50000);
  ScoringRule(web, 40);
  ScoringRule(big, 40);

  mv1::LeadCondition in_bavaria, hot_in_bavaria, anything;
  in_bavaria.add_regions("by");
  hot_in_bavaria.add_regions("BY");
  hot_in_bavaria.add_levels(mv1::LEAD_LEVEL_HOT);
  const std::string general = RoutingRule(30, anything, reseller);
  const std::string regional = RoutingRule(20, in_bavaria, bavaria_rep);
  const std::string hot = RoutingRule(10, hot_in_bavaria, hot_rep);

  mv1::Lead draft = Draft("hot@example.com");
  *draft.mutable_estimated_value() = Eur(60000);
  const mv1::Lead hot_lead = Create(draft);                       // 80, hot
  const mv1::Lead warm_lead = Create(Draft("warm@example.com"));  // 40, warm
  const mv1::Lead elsewhere = Create(Draft("nw@example.com", "NW"));
  REQUIRE(hot_lead.level() == mv1::LEAD_LEVEL_HOT);
  REQUIRE(warm_lead.level() == mv1::LEAD_LEVEL_WARM);

  mv1::Lead out;
  REQUIRE(Outcome(TryAssign(hot_lead.name(), "", &out)) == "OK");
  CHECK(out.assignee() == hot_rep);
  CHECK(out.routing_rule() == hot);
  REQUIRE(Outcome(TryAssign(warm_lead.name(), "", &out)) == "OK");
  CHECK(out.assignee() == bavaria_rep);
  CHECK(out.routing_rule() == regional);
  REQUIRE(Outcome(TryAssign(elsewhere.name(), "", &out)) == "OK");
  CHECK(out.assignee() == reseller);
  CHECK(out.routing_rule() == general);

  // Assigning by hand afterwards clears the rule.
  REQUIRE(Outcome(TryAssign(elsewhere.name(), bavaria_rep, &out)) == "OK");
  CHECK(out.routing_rule().empty());

  // Without the catch-all rule a lead outside Bavaria matches none.
  mv1::DeleteLeadRoutingRuleRequest remove;
  remove.set_name(general);
  MustCall(*leads_, &LS::DeleteLeadRoutingRule, remove);
  CHECK(Result(TryAssign(elsewhere.name(), "", &out)) ==
        absl::StrCat("FAILED_PRECONDITION NO_ROUTING_RULE ", elsewhere.name()));
  CHECK(Get(elsewhere.name()).assignee() == bavaria_rep);

  // Routing needs no partners call.
  StopPartners();
  REQUIRE(Outcome(TryAssign(warm_lead.name(), "", &out, 2)) == "OK");
  CHECK(out.routing_rule() == regional);
}

TEST_CASE_METHOD(LeadSuite, "lead: scoring rules are checked, listed oldest first, changed",
                 "[marketing][lead]") {
  mv1::LeadScoringRule out;
  mv1::LeadCondition web;
  web.add_sources(mv1::LEAD_SOURCE_WEB);
  for (int points : {0, 101, -101}) {
    CHECK(Outcome(TryScoringRule(web, points, &out)) ==
          "INVALID_ARGUMENT lead_scoring_rule.points");
  }
  CHECK(Outcome(TryScoringRule(mv1::LeadCondition(), 10, &out)) ==
        "INVALID_ARGUMENT lead_scoring_rule.condition");
  mv1::LeadCondition bad = web;
  bad.add_levels(mv1::LEAD_LEVEL_HOT);
  CHECK(Outcome(TryScoringRule(bad, 10, &out)) ==
        "INVALID_ARGUMENT lead_scoring_rule.condition.levels");
  bad = web;
  bad.add_sources(mv1::LEAD_SOURCE_WEB);
  bad.add_country_codes("Deutschland");
  bad.add_industry_code_prefixes("C 2");
  CHECK(Outcome(TryScoringRule(bad, 10, &out)) ==
        "INVALID_ARGUMENT lead_scoring_rule.condition.sources[1], "
        "lead_scoring_rule.condition.country_codes[0], "
        "lead_scoring_rule.condition.industry_code_prefixes[0]");

  const std::string first = ScoringRule(web, 100);
  const std::string second = ScoringRule(web, -100);
  mv1::ListLeadScoringRulesRequest list;
  const auto listed = MustCall(*leads_, &LS::ListLeadScoringRules, list);
  REQUIRE(listed.lead_scoring_rules_size() == 2);
  CHECK(listed.lead_scoring_rules(0).name() == first);
  CHECK(listed.lead_scoring_rules(1).name() == second);

  mv1::UpdateLeadScoringRuleRequest update;
  *update.mutable_lead_scoring_rule() = listed.lead_scoring_rules(0);
  update.mutable_lead_scoring_rule()->set_points(60);
  *update.mutable_update_mask() = Mask({"points"});
  const mv1::LeadScoringRule updated = MustCall(*leads_, &LS::UpdateLeadScoringRule, update);
  CHECK(updated.points() == 60);
  CHECK(Outcome(Call(*leads_, &LS::UpdateLeadScoringRule, update, &out)) == "ABORTED");
  update.mutable_lead_scoring_rule()->set_etag("");
  update.mutable_lead_scoring_rule()->set_points(0);
  CHECK(Outcome(Call(*leads_, &LS::UpdateLeadScoringRule, update, &out)) ==
        "INVALID_ARGUMENT lead_scoring_rule.points");
  update.mutable_lead_scoring_rule()->mutable_condition()->add_levels(mv1::LEAD_LEVEL_WARM);
  *update.mutable_update_mask() = Mask({"condition"});
  CHECK(Outcome(Call(*leads_, &LS::UpdateLeadScoringRule, update, &out)) ==
        "INVALID_ARGUMENT lead_scoring_rule.condition.levels");

  mv1::GetLeadScoringRuleRequest get;
  get.set_name(first);
  CHECK(MustCall(*leads_, &LS::GetLeadScoringRule, get).points() == 60);
  mv1::DeleteLeadScoringRuleRequest remove;
  remove.set_name(first);
  remove.set_etag(listed.lead_scoring_rules(0).etag());
  google::protobuf::Empty empty;
  CHECK(Outcome(Call(*leads_, &LS::DeleteLeadScoringRule, remove, &empty)) == "ABORTED");
  remove.set_etag(updated.etag());
  CHECK(Outcome(Call(*leads_, &LS::DeleteLeadScoringRule, remove, &empty)) == "OK");
  CHECK(Outcome(Call(*leads_, &LS::GetLeadScoringRule, get, &out)) == "NOT_FOUND");
  CHECK(MustCall(*leads_, &LS::ListLeadScoringRules, list).lead_scoring_rules_size() == 1);
}

TEST_CASE_METHOD(LeadSuite, "lead: routing rules are checked, listed by priority, changed",
                 "[marketing][lead]") {
  const std::string seller = Employee("Seller");
  const std::string reseller = ChannelPartner("Northwind Trading");
  const std::string customer = Person("Kunde", pv1::ROLE_TYPE_CUSTOMER);
  mv1::LeadRoutingRule out;
  const mv1::LeadCondition any;
  CHECK(Outcome(TryRoutingRule(0, any, seller, &out)) ==
        "INVALID_ARGUMENT lead_routing_rule.priority");
  CHECK(Outcome(TryRoutingRule(10001, any, seller, &out)) ==
        "INVALID_ARGUMENT lead_routing_rule.priority");
  CHECK(Outcome(TryRoutingRule(1, any, "", &out)) == "INVALID_ARGUMENT lead_routing_rule.assignee");
  CHECK(Outcome(TryRoutingRule(1, any, "people/p1", &out)) ==
        "INVALID_ARGUMENT lead_routing_rule.assignee");
  mv1::LeadCondition bad;
  bad.add_levels(static_cast<mv1::LeadLevel>(9));
  CHECK(Outcome(TryRoutingRule(1, bad, seller, &out)) ==
        "INVALID_ARGUMENT lead_routing_rule.condition.levels[0]");
  const std::string not_allowed =
      "FAILED_PRECONDITION NOT_EMPLOYEE_OR_CHANNEL_PARTNER lead_routing_rule.assignee";
  CHECK(Result(TryRoutingRule(1, any, customer, &out)) == not_allowed);
  CHECK(Outcome(TryRoutingRule(1, any, "partners/nothing", &out)) == "NOT_FOUND");

  const std::string last = RoutingRule(500, any, seller);
  const std::string first = RoutingRule(5, any, reseller);
  const std::string middle = RoutingRule(50, any, seller);
  CHECK(RoutingOrder() == Strings{first, middle, last});

  mv1::UpdateLeadRoutingRuleRequest update;
  update.mutable_lead_routing_rule()->set_name(last);
  update.mutable_lead_routing_rule()->set_priority(1);
  update.mutable_lead_routing_rule()->set_assignee(reseller);
  *update.mutable_update_mask() = Mask({"priority", "assignee"});
  const mv1::LeadRoutingRule moved = MustCall(*leads_, &LS::UpdateLeadRoutingRule, update);
  CHECK(moved.priority() == 1);
  CHECK(moved.assignee() == reseller);
  update.mutable_lead_routing_rule()->set_assignee(customer);
  *update.mutable_update_mask() = Mask({"assignee"});
  CHECK(Result(Call(*leads_, &LS::UpdateLeadRoutingRule, update, &out)) == not_allowed);
  update.mutable_lead_routing_rule()->set_priority(0);
  *update.mutable_update_mask() = Mask({"priority"});
  CHECK(Outcome(Call(*leads_, &LS::UpdateLeadRoutingRule, update, &out)) ==
        "INVALID_ARGUMENT lead_routing_rule.priority");
  mv1::GetLeadRoutingRuleRequest get;
  get.set_name(last);
  CHECK(MustCall(*leads_, &LS::GetLeadRoutingRule, get).SerializeAsString() ==
        moved.SerializeAsString());

  CHECK(RoutingOrder() == Strings{last, first, middle});
  mv1::DeleteLeadRoutingRuleRequest remove;
  remove.set_name(last);
  MustCall(*leads_, &LS::DeleteLeadRoutingRule, remove);
  CHECK(Outcome(Call(*leads_, &LS::GetLeadRoutingRule, get, &out)) == "NOT_FOUND");
}

}  // namespace
}  // namespace crm::marketing::testing::lead_testing
