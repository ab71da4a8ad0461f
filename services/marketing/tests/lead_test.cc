// Leads (LeadService CreateLead, GetLead, ListLeads, UpdateLead,
// QualifyLead, DisqualifyLead) over a real gRPC channel and a real SQLite
// file, with a real partners service beside marketing: capture scored by
// the rules of the moment, each bad field named, one open lead per e-mail
// address, retries, filters and order, rescoring, qualification and
// disqualification.
#include "services/marketing/tests/lead_suite.h"

namespace crm::marketing::testing::lead_testing {
namespace {

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

TEST_CASE_METHOD(LeadSuite, "lead: listed by the e-mail address whatever its case",
                 "[marketing][lead]") {
  // Addresses are stored in lower case for comparison, but the filter
  // value is not folded: the address as captured finds nothing.
  const mv1::Lead lead = Create(Draft("Ann.Example@Example.com"));
  CHECK(ListNames("email = \"ann.example@example.com\"") == Strings{lead.name()});
  CHECK(ListNames("email = \"Ann.Example@Example.com\"") == Strings{lead.name()});
}

}  // namespace
}  // namespace crm::marketing::testing::lead_testing
