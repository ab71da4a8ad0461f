// Leads (LeadService CreateLead, GetLead, ListLeads, UpdateLead,
// QualifyLead, AssignLead, DisqualifyLead and the scoring and routing rule
// methods) over a real gRPC channel and a real SQLite file, with a real
// partners service beside marketing: capture scored by the rules of the
// moment, each bad field named, one open lead per e-mail address, retries,
// filters and order, rescoring, qualification, assignment by hand and by
// the routing rules, disqualification, and the rules' own checks.
#include <google/rpc/error_details.pb.h>

#include <string>
#include <vector>

#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using LS = mv1::LeadService::Stub;

// "ALREADY_EXISTS leads/..." naming the lead that has the e-mail address.
std::string ExistingLead(const grpc::Status& status) {
  return absl::StrCat(Outcome(status), " ",
                      DetailOf<google::rpc::ResourceInfo>(status).resource_name());
}

// Outcome(status), then the precondition failure's type and subject if any.
std::string Result(const grpc::Status& status) {
  const std::string precondition = Precondition(status);
  return precondition.empty() ? Outcome(status) : absl::StrCat(Outcome(status), " ", precondition);
}

// A web lead from Bavaria worth EUR 20,000 (no rules: score 0).
mv1::Lead Draft(const std::string& email, const std::string& region = "BY") {
  mv1::Lead lead;
  lead.set_display_name("200 office chairs");
  lead.set_source(mv1::LEAD_SOURCE_WEB);
  lead.mutable_contact()->set_given_name("Ann");
  lead.mutable_contact()->set_family_name("Example");
  lead.mutable_contact()->set_email(email);
  lead.set_country_code("DE");
  lead.set_region(region);
  lead.set_industry_code("G47.1");
  lead.set_product_group("CHAIRS");
  *lead.mutable_estimated_value() = Eur(20000);
  return lead;
}

class LeadSuite : public MarketingBesidePeers {
 protected:
  LeadSuite() : MarketingBesidePeers(Peers{true, false}) {}

  grpc::Status TryCreate(const mv1::Lead& lead, mv1::Lead* out,
                         const std::string& request_id = "") {
    mv1::CreateLeadRequest request;
    *request.mutable_lead() = lead;
    request.set_request_id(request_id);
    return Call(*leads_, &LS::CreateLead, request, out);
  }
  mv1::Lead Create(const mv1::Lead& lead) {
    mv1::Lead out;
    const grpc::Status status = TryCreate(lead, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }
  std::string CreateOutcome(const mv1::Lead& lead) {
    mv1::Lead out;
    return Outcome(TryCreate(lead, &out));
  }
  mv1::Lead Get(const std::string& name) {
    mv1::GetLeadRequest request;
    request.set_name(name);
    return MustCall(*leads_, &LS::GetLead, request);
  }
  grpc::Status TryUpdate(const mv1::Lead& lead, const Strings& paths, mv1::Lead* out) {
    mv1::UpdateLeadRequest request;
    *request.mutable_lead() = lead;
    *request.mutable_update_mask() = Mask(paths);
    return Call(*leads_, &LS::UpdateLead, request, out);
  }
  grpc::Status TryQualify(const std::string& name, mv1::Lead* out, const std::string& etag = "") {
    mv1::QualifyLeadRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Call(*leads_, &LS::QualifyLead, request, out);
  }
  grpc::Status TryAssign(const std::string& name, const std::string& assignee, mv1::Lead* out,
                         int deadline_seconds = 10) {
    mv1::AssignLeadRequest request;
    request.set_name(name);
    request.set_assignee(assignee);
    auto context = crm::testing::ContextWithDeadline(deadline_seconds);
    return leads_->AssignLead(context.get(), request, out);
  }
  grpc::Status TryDisqualify(const std::string& name, const std::string& reason, mv1::Lead* out) {
    mv1::DisqualifyLeadRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return Call(*leads_, &LS::DisqualifyLead, request, out);
  }

  grpc::Status TryScoringRule(const mv1::LeadCondition& condition, int points,
                              mv1::LeadScoringRule* out) {
    mv1::CreateLeadScoringRuleRequest request;
    request.mutable_lead_scoring_rule()->set_display_name("Rule");
    *request.mutable_lead_scoring_rule()->mutable_condition() = condition;
    request.mutable_lead_scoring_rule()->set_points(points);
    return Call(*leads_, &LS::CreateLeadScoringRule, request, out);
  }
  std::string ScoringRule(const mv1::LeadCondition& condition, int points) {
    mv1::LeadScoringRule out;
    REQUIRE(Outcome(TryScoringRule(condition, points, &out)) == "OK");
    return out.name();
  }
  grpc::Status TryRoutingRule(int priority, const mv1::LeadCondition& condition,
                              const std::string& assignee, mv1::LeadRoutingRule* out) {
    mv1::CreateLeadRoutingRuleRequest request;
    request.mutable_lead_routing_rule()->set_display_name("Route");
    request.mutable_lead_routing_rule()->set_priority(priority);
    *request.mutable_lead_routing_rule()->mutable_condition() = condition;
    request.mutable_lead_routing_rule()->set_assignee(assignee);
    return Call(*leads_, &LS::CreateLeadRoutingRule, request, out);
  }
  std::string RoutingRule(int priority, const mv1::LeadCondition& condition,
                          const std::string& assignee) {
    mv1::LeadRoutingRule out;
    const grpc::Status status = TryRoutingRule(priority, condition, assignee, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out.name();
  }

  Strings RoutingOrder() {
    const auto response =
        MustCall(*leads_, &LS::ListLeadRoutingRules, mv1::ListLeadRoutingRulesRequest());
    Strings names;
    for (const auto& rule : response.lead_routing_rules()) names.push_back(rule.name());
    return names;
  }

  // Web +30, Bavaria +20, worth EUR 10,000 or more +25, purchased -20.
  Strings StandardRules() {
    mv1::LeadCondition web, bavaria, big, purchased;
    web.add_sources(mv1::LEAD_SOURCE_WEB);
    bavaria.add_regions("by");
    *big.mutable_min_estimated_value() = Eur(10000);
    purchased.add_sources(mv1::LEAD_SOURCE_PURCHASED_LIST);
    return {ScoringRule(web, 30), ScoringRule(bavaria, 20), ScoringRule(big, 25),
            ScoringRule(purchased, -20)};
  }

  // Names of every lead ListLeads gives for filter and order, and the
  // number of pages with `page_size`.
  Strings ListNames(const std::string& filter, const std::string& order_by = "", int page_size = 0,
                    int* pages = nullptr) {
    mv1::ListLeadsRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    Strings names;
    int count = 0;
    do {
      const mv1::ListLeadsResponse page = MustCall(*leads_, &LS::ListLeads, request);
      for (const mv1::Lead& lead : page.leads()) names.push_back(lead.name());
      request.set_page_token(page.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 50);
    if (pages != nullptr) *pages = count;
    return names;
  }
};

TEST_CASE_METHOD(LeadSuite, "lead: captured open, scored by the current rules",
                 "[marketing][lead]") {
  const Strings rules = StandardRules();
  const int64_t head = HeadSequence();
  mv1::Lead sent = Draft("ann@example.com");
  sent.set_name("leads/mine");
  sent.set_score(5);
  sent.set_level(mv1::LEAD_LEVEL_COLD);
  sent.add_matched_scoring_rules("leadScoringRules/x");
  sent.set_state(mv1::LEAD_STATE_CONVERTED);
  sent.set_assignee("partners/p1");
  sent.set_routing_rule("leadRoutingRules/r1");
  sent.set_opportunity("opportunities/o1");
  sent.set_disqualify_reason("none");
  sent.set_etag("bogus");
  const mv1::Lead lead = Create(sent);

  CHECK(lead.name().rfind("leads/", 0) == 0);
  CHECK(lead.name() != "leads/mine");
  CHECK(lead.score() == 75);
  CHECK(lead.level() == mv1::LEAD_LEVEL_HOT);
  CHECK(Strings(lead.matched_scoring_rules().begin(), lead.matched_scoring_rules().end()) ==
        Strings{rules[0], rules[1], rules[2]});
  CHECK(lead.state() == mv1::LEAD_STATE_OPEN);
  CHECK(lead.assignee() + lead.routing_rule() + lead.opportunity() + lead.disqualify_reason() ==
        "");
  CHECK(lead.etag() != "bogus");
  CHECK(lead.create_time().seconds() > 0);
  CHECK(lead.contact().email() == "ann@example.com");
  CHECK(Get(lead.name()).SerializeAsString() == lead.SerializeAsString());
  CHECK(DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", lead.name(), " CreateLead ")});

  // Levels by score; the sum is kept within 0 to 100.
  mv1::LeadCondition chips;
  chips.add_industry_code_prefixes("C26");
  ScoringRule(chips, 50);
  const auto scored = [&](const mv1::Lead& draft) {
    const mv1::Lead created = Create(draft);
    return std::make_pair(created.score(), created.level());
  };
  mv1::Lead capped = Draft("chips@example.com");
  capped.set_industry_code("C26.2");
  CHECK(scored(capped) == std::make_pair(100, mv1::LEAD_LEVEL_HOT));
  mv1::Lead floor = Draft("list@example.com", "NW");
  floor.set_source(mv1::LEAD_SOURCE_PURCHASED_LIST);
  floor.clear_estimated_value();
  CHECK(scored(floor) == std::make_pair(0, mv1::LEAD_LEVEL_COLD));
  mv1::Lead warm = Draft("warm@example.com");
  *warm.mutable_estimated_value() = Eur(9999);
  CHECK(scored(warm) == std::make_pair(50, mv1::LEAD_LEVEL_WARM));
  mv1::Lead other_currency = Draft("usd@example.com", "NW");
  other_currency.mutable_estimated_value()->set_currency_code("USD");
  CHECK(scored(other_currency) == std::make_pair(30, mv1::LEAD_LEVEL_COLD));
}

TEST_CASE_METHOD(LeadSuite, "lead: bad leads are refused, each field named, nothing written",
                 "[marketing][lead]") {
  const std::string customer = Person("Kunde", pv1::ROLE_TYPE_CUSTOMER);
  const int64_t head = HeadSequence();
  mv1::Lead lead = Draft("ann@example");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.contact.email");
  lead.mutable_contact()->set_email("ann at example.com");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.contact.email");
  lead.mutable_contact()->clear_email();
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.contact.email");  // neither
  lead.mutable_contact()->set_phone("089 123456");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.contact.phone");
  lead.mutable_contact()->set_phone("+4989123456");
  CHECK(CreateOutcome(lead) == "OK");  // a phone number alone will do

  lead = Draft("bob@example.com");
  lead.set_country_code("Germany");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.country_code");
  lead.set_country_code("de");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.country_code");
  lead = Draft("bob@example.com");
  lead.clear_display_name();
  lead.set_source(mv1::LEAD_SOURCE_UNSPECIFIED);
  lead.mutable_contact()->clear_family_name();
  lead.set_industry_code("C 26");
  lead.set_product_group(std::string(41, 'P'));
  *lead.mutable_estimated_value() = Eur(-1);
  CHECK(CreateOutcome(lead) ==
        "INVALID_ARGUMENT lead.display_name, lead.source, lead.contact.family_name, "
        "lead.industry_code, lead.product_group, lead.estimated_value");
  lead = Draft("bob@example.com");
  lead.set_campaign("marketingPlans/p1");
  lead.set_account("p1");
  CHECK(CreateOutcome(lead) == "INVALID_ARGUMENT lead.campaign, lead.account");
  mv1::Lead out;
  CHECK(Outcome(Call(*leads_, &LS::CreateLead, mv1::CreateLeadRequest(), &out)) ==
        "INVALID_ARGUMENT lead");

  // References must exist.
  lead = Draft("bob@example.com");
  lead.set_campaign("campaigns/nothing");
  CHECK(CreateOutcome(lead) == "NOT_FOUND");
  lead = Draft("bob@example.com");
  lead.set_account("partners/nothing");
  CHECK(CreateOutcome(lead) == "NOT_FOUND");
  CHECK(ListNames("").size() == 1);
  CHECK(DescribeChangesAfter(head).size() == 1);

  // ... and then they are taken.
  mv1::CreateCampaignRequest campaign;
  campaign.mutable_campaign()->set_display_name("Spring");
  *campaign.mutable_campaign()->mutable_start_date() = Next(3, 1);
  *campaign.mutable_campaign()->mutable_end_date() = Next(4, 30);
  campaign.mutable_campaign()->set_currency_code("EUR");
  lead.set_campaign(MustCall(*campaigns_, &CampaignStub::CreateCampaign, campaign).name());
  lead.set_account(customer);
  const mv1::Lead created = Create(lead);
  CHECK(created.account() == customer);
  CHECK(created.campaign() == lead.campaign());
}

TEST_CASE_METHOD(LeadSuite, "lead: one open lead per e-mail address until it is disqualified",
                 "[marketing][lead]") {
  const mv1::Lead first = Create(Draft("Ann.Example@Example.com"));
  mv1::Lead out;
  CHECK(ExistingLead(TryCreate(Draft("ann.example@example.COM"), &out)) ==
        "ALREADY_EXISTS " + first.name());

  // A qualified lead blocks the address as well.
  mv1::LeadCondition web;
  web.add_sources(mv1::LEAD_SOURCE_WEB);
  ScoringRule(web, 50);
  REQUIRE(Outcome(TryQualify(first.name(), &out)) == "OK");
  REQUIRE(out.state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(Outcome(TryCreate(Draft("ANN.EXAMPLE@EXAMPLE.COM"), &out)) == "ALREADY_EXISTS");

  REQUIRE(Outcome(TryDisqualify(first.name(), "student project", &out)) == "OK");
  const mv1::Lead second = Create(Draft("ann.example@example.com"));
  CHECK(ExistingLead(TryCreate(Draft("Ann.Example@example.com"), &out)) ==
        "ALREADY_EXISTS " + second.name());

  // Phone numbers may repeat.
  mv1::Lead by_phone = Draft("");
  by_phone.mutable_contact()->set_phone("+4989123456");
  Create(by_phone);
  Create(by_phone);
  CHECK(ListNames("").size() == 4);
}

TEST_CASE_METHOD(LeadSuite, "lead: a retry with the same request_id returns the first lead",
                 "[marketing][lead]") {
  mv1::Lead first, again, out;
  REQUIRE(Outcome(TryCreate(Draft("ann@example.com"), &first, "lead-1")) == "OK");
  REQUIRE(Outcome(TryCreate(Draft("ann@example.com"), &again, "lead-1")) == "OK");
  CHECK(again.SerializeAsString() == first.SerializeAsString());
  CHECK(Outcome(TryCreate(Draft("bob@example.com"), &out, "lead-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Outcome(TryCreate(Draft("ann@example.com"), &out, "lead-2")) == "ALREADY_EXISTS");
  CHECK(ListNames("") == Strings{first.name()});
}

TEST_CASE_METHOD(LeadSuite, "lead: listed by filter, ordered by score, a page at a time",
                 "[marketing][lead]") {
  StandardRules();
  const mv1::Lead hot = Create(Draft("hot@example.com"));  // 75
  mv1::Lead draft = Draft("warm@example.com");
  draft.clear_estimated_value();
  const mv1::Lead warm = Create(draft);                            // 50
  const mv1::Lead cold = Create(Draft("cold@example.com", "NW"));  // 55, disqualified below
  draft = Draft("zero@example.com", "NW");
  draft.set_source(mv1::LEAD_SOURCE_PURCHASED_LIST);
  const mv1::Lead zero = Create(draft);  // 25 - 20 = 5
  draft = Draft("hotter@example.com");
  draft.set_source(mv1::LEAD_SOURCE_EVENT);
  const mv1::Lead event = Create(draft);  // 45
  mv1::Lead out;
  REQUIRE(Outcome(TryDisqualify(cold.name(), "competitor", &out)) == "OK");

  CHECK(cold.score() == 55);
  CHECK(ListNames("") == Strings{event.name(), zero.name(), cold.name(), warm.name(), hot.name()});
  int pages = 0;
  CHECK(ListNames("", "score desc", 2, &pages) ==
        Strings{hot.name(), cold.name(), warm.name(), event.name(), zero.name()});
  CHECK(pages == 3);
  CHECK(ListNames("", "score") ==
        Strings{zero.name(), event.name(), warm.name(), cold.name(), hot.name()});
  CHECK(ListNames("score >= 50", "score desc") == Strings{hot.name(), cold.name(), warm.name()});
  CHECK(ListNames("state = LEAD_STATE_OPEN AND score >= 50", "score desc") ==
        Strings{hot.name(), warm.name()});
  CHECK(ListNames("state = LEAD_STATE_DISQUALIFIED") == Strings{cold.name()});
  CHECK(ListNames("level = LEAD_LEVEL_WARM", "score desc") ==
        Strings{cold.name(), warm.name(), event.name()});
  CHECK(ListNames("level = LEAD_LEVEL_HOT") == Strings{hot.name()});
  CHECK(ListNames("email = \"zero@example.com\"") == Strings{zero.name()});
  CHECK(ListNames("source = LEAD_SOURCE_EVENT OR country_code = \"FR\"") == Strings{event.name()});

  mv1::ListLeadsRequest request;
  mv1::ListLeadsResponse response;
  request.set_order_by("email");
  CHECK(Outcome(Call(*leads_, &LS::ListLeads, request, &response)) == "INVALID_ARGUMENT order_by");
  request.set_order_by("");
  request.set_filter("notes = \"x\"");
  CHECK(Outcome(Call(*leads_, &LS::ListLeads, request, &response)) == "INVALID_ARGUMENT filter");
  // A page token belongs to its filter and order.
  request.set_filter("");
  request.set_page_size(1);
  request.set_page_token(MustCall(*leads_, &LS::ListLeads, request).next_page_token());
  request.set_order_by("score desc");
  CHECK(Outcome(Call(*leads_, &LS::ListLeads, request, &response)) ==
        "INVALID_ARGUMENT page_token");
}

TEST_CASE_METHOD(LeadSuite, "lead: update rescores, keeps the state, checks other leads only",
                 "[marketing][lead]") {
  const std::string customer = Person("Kunde", pv1::ROLE_TYPE_CUSTOMER);
  StandardRules();
  const mv1::Lead lead = Create(Draft("ann@example.com"));  // 75, hot
  const mv1::Lead other = Create(Draft("bob@example.com"));
  mv1::Lead qualified;
  REQUIRE(Outcome(TryQualify(lead.name(), &qualified)) == "OK");
  const int64_t head = HeadSequence();

  mv1::Lead change = qualified;
  change.set_region("NW");
  change.mutable_contact()->set_email("ANN@example.com");  // its own address
  change.set_score(99);
  change.set_notes("not in the mask");
  mv1::Lead updated;
  REQUIRE(Outcome(TryUpdate(change, {"region", "contact"}, &updated)) == "OK");
  CHECK(updated.score() == 55);
  CHECK(updated.level() == mv1::LEAD_LEVEL_WARM);
  CHECK(updated.state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(updated.matched_scoring_rules_size() == 2);
  CHECK(updated.notes().empty());
  CHECK(updated.contact().email() == "ANN@example.com");
  CHECK(updated.etag() != qualified.etag());
  change = updated;
  change.clear_estimated_value();
  REQUIRE(Outcome(TryUpdate(change, {"estimated_value"}, &updated)) == "OK");
  CHECK(updated.score() == 30);
  CHECK(updated.level() == mv1::LEAD_LEVEL_COLD);
  CHECK(updated.state() == mv1::LEAD_STATE_QUALIFIED);  // the state stays until QualifyLead
  change = updated;
  change.set_account(customer);
  REQUIRE(Outcome(TryUpdate(change, {"account"}, &updated)) == "OK");
  CHECK(updated.account() == customer);
  CHECK(Get(lead.name()).SerializeAsString() == updated.SerializeAsString());
  CHECK(DescribeChangesAfter(head).size() == 3);

  // Refused: another lead's address, stale etags, output-only or unknown
  // paths, bad values, unknown references.
  mv1::Lead out;
  mv1::Lead bad = updated;  // only the masked fields count
  bad.set_country_code("XX");
  bad.set_account("partners/nothing");
  bad.set_campaign("campaigns/nothing");
  CHECK(Outcome(TryUpdate(bad, {"country_code"}, &out)) == "INVALID_ARGUMENT lead.country_code");
  CHECK(Outcome(TryUpdate(bad, {"account"}, &out)) == "NOT_FOUND");
  CHECK(Outcome(TryUpdate(bad, {"campaign"}, &out)) == "NOT_FOUND");
  bad.mutable_contact()->set_email("nobody");
  CHECK(Outcome(TryUpdate(bad, {"contact"}, &out)) == "INVALID_ARGUMENT lead.contact.email");
  bad.mutable_contact()->clear_email();
  CHECK(Outcome(TryUpdate(bad, {"contact"}, &out)) == "INVALID_ARGUMENT lead.contact.email");
  bad.mutable_contact()->set_email("Bob@Example.com");
  CHECK(ExistingLead(TryUpdate(bad, {"contact"}, &out)) == "ALREADY_EXISTS " + other.name());
  bad.set_etag(qualified.etag());
  CHECK(Outcome(TryUpdate(bad, {"notes"}, &out)) == "ABORTED");
  bad.set_name("leads/nothing");
  CHECK(Outcome(TryUpdate(bad, {"notes"}, &out)) == "NOT_FOUND");
  for (const char* path : {"score", "level", "state", "assignee", "source", "opportunity", "name",
                           "matched_scoring_rules", "no_such_field"}) {
    INFO(path);
    CHECK(Outcome(TryUpdate(updated, {path}, &out)) == "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(TryUpdate(updated, {}, &out)) == "INVALID_ARGUMENT update_mask");
  CHECK(Get(lead.name()).SerializeAsString() == updated.SerializeAsString());
  CHECK(DescribeChangesAfter(head).size() == 3);
}

TEST_CASE_METHOD(LeadSuite, "lead: QualifyLead scores again by the rules of the moment",
                 "[marketing][lead]") {
  mv1::LeadCondition web, bavaria;
  web.add_sources(mv1::LEAD_SOURCE_WEB);
  bavaria.add_regions("BY");
  ScoringRule(web, 30);
  const mv1::Lead lead = Create(Draft("ann@example.com"));
  REQUIRE(lead.score() == 30);

  mv1::Lead out;
  REQUIRE(Outcome(TryQualify(lead.name(), &out)) == "OK");
  CHECK(out.state() == mv1::LEAD_STATE_OPEN);  // cold stays open
  CHECK(out.level() == mv1::LEAD_LEVEL_COLD);

  // A rule created after capture counts now.
  const std::string later = ScoringRule(bavaria, 15);
  REQUIRE(Outcome(TryQualify(lead.name(), &out, out.etag())) == "OK");
  CHECK(out.score() == 45);
  CHECK(out.level() == mv1::LEAD_LEVEL_WARM);
  CHECK(out.state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(out.matched_scoring_rules(1) == later);

  mv1::UpdateLeadScoringRuleRequest raise;
  raise.mutable_lead_scoring_rule()->set_name(later);
  raise.mutable_lead_scoring_rule()->set_points(45);
  *raise.mutable_update_mask() = Mask({"points"});
  MustCall(*leads_, &LS::UpdateLeadScoringRule, raise);
  const std::string stale = out.etag();
  REQUIRE(Outcome(TryQualify(lead.name(), &out)) == "OK");
  CHECK(out.score() == 75);
  CHECK(out.level() == mv1::LEAD_LEVEL_HOT);
  CHECK(out.state() == mv1::LEAD_STATE_QUALIFIED);

  // Without the rule the lead is cold and open again.
  mv1::DeleteLeadScoringRuleRequest remove;
  remove.set_name(later);
  MustCall(*leads_, &LS::DeleteLeadScoringRule, remove);
  REQUIRE(Outcome(TryQualify(lead.name(), &out)) == "OK");
  CHECK(out.score() == 30);
  CHECK(out.state() == mv1::LEAD_STATE_OPEN);

  CHECK(Outcome(TryQualify(lead.name(), &out, stale)) == "ABORTED");
  CHECK(Outcome(TryQualify("leads/nothing", &out)) == "NOT_FOUND");
  CHECK(Outcome(TryQualify("campaigns/x", &out)) == "INVALID_ARGUMENT name");
}

TEST_CASE_METHOD(LeadSuite, "lead: disqualified with a reason, then it no longer changes",
                 "[marketing][lead]") {
  const std::string seller = Employee("Seller");
  const mv1::Lead lead = Create(Draft("ann@example.com"));
  mv1::Lead out;
  CHECK(Outcome(TryDisqualify(lead.name(), "", &out)) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(TryDisqualify(lead.name(), std::string(501, 'r'), &out)) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(TryDisqualify("leads/nothing", "spam", &out)) == "NOT_FOUND");
  CHECK(Get(lead.name()).state() == mv1::LEAD_STATE_OPEN);

  REQUIRE(Outcome(TryDisqualify(lead.name(), "spam", &out)) == "OK");
  CHECK(out.state() == mv1::LEAD_STATE_DISQUALIFIED);
  CHECK(out.disqualify_reason() == "spam");
  const mv1::Lead disqualified = out;

  const std::string gone = absl::StrCat("FAILED_PRECONDITION LEAD_STATE ", lead.name());
  CHECK(Result(TryDisqualify(lead.name(), "again", &out)) == gone);
  CHECK(Result(TryQualify(lead.name(), &out)) == gone);
  CHECK(Result(TryAssign(lead.name(), seller, &out)) == gone);
  mv1::Lead change = disqualified;
  change.set_notes("late note");
  CHECK(Result(TryUpdate(change, {"notes"}, &out)) == gone);
  CHECK(Get(lead.name()).SerializeAsString() == disqualified.SerializeAsString());
}

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

TEST_CASE_METHOD(LeadSuite, "BUG lead: listed by the e-mail address as it was captured",
                 "[marketing][lead]") {
  // Addresses are stored in lower case for comparison, but the filter
  // value is not folded: the address as captured finds nothing.
  const mv1::Lead lead = Create(Draft("Ann.Example@Example.com"));
  CHECK(ListNames("email = \"ann.example@example.com\"") == Strings{lead.name()});
  CHECK(ListNames("email = \"Ann.Example@Example.com\"") == Strings{lead.name()});
}

}  // namespace
}  // namespace crm::marketing::testing
