// The sales pipeline (OpportunityService) over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - CreateOpportunity: account, owner, team and decision makers checked
//    with partners (an owner who is not an employee, unknown partners, an
//    unknown or retired stage refused, nothing written), the stage's default
//    probability, weighted revenue rounded to the currency's minor unit,
//    the first StageChange; a request_id retry gives the same opportunity
//    and one feed entry;
//  - ListOpportunities by owner, state, stage and close date, ordered and
//    paged without repeats or gaps; bad filters, orders and tokens;
//  - reads of unknown or malformed names;
//  - the change feed: CREATED and UPDATED entries for each write, none for
//    refused ones.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/opportunity_fixture.h"

using namespace crm::sales::testing::opportunity_testing;  // NOLINT

TEST_CASE("opportunity: CreateOpportunity checks partners and fills in what the service owns",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity sent =
      Deal(people, "Monitors for the Hamburg branches", kQualification, Eur(12345, 650'000'000));
  sent.add_sales_team(people.colleague);
  sent.add_sales_team(people.engineer);
  AddDecider(&sent, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  sent.add_competitors()->set_partner(people.rival);
  sent.add_competitors()->set_display_name("Screens & More");
  sent.set_source_campaign("campaigns/spring-fair");
  sent.set_source_lead("leads/l-17");
  // Output-only fields sent are ignored.
  sent.set_name("opportunities/mine");
  sent.set_state(sv1::OPPORTUNITY_STATE_WON);
  sent.set_close_reason("Already won");
  *sent.mutable_weighted_revenue() = Eur(1);
  sent.set_etag("\"9\"");

  const sv1::Opportunity created = crm.Create(sent);
  CHECK(absl::StartsWith(created.name(), "opportunities/"));
  CHECK(created.name() != "opportunities/mine");
  CHECK(created.state() == sv1::OPPORTUNITY_STATE_OPEN);
  CHECK(created.probability_percent() == 10);  // the stage's default
  CHECK(Text(created.expected_revenue()) == "EUR 12345.65");
  CHECK(Text(created.weighted_revenue()) == "EUR 1234.57");  // 1234.565, half away from zero
  CHECK(created.close_reason().empty());
  CHECK(created.lost_to().empty());
  CHECK_FALSE(created.has_close_time());
  CHECK(created.create_time().seconds() > 0);
  CHECK(MessageDifferencer::Equals(created.create_time(), created.update_time()));
  CHECK_FALSE(created.etag().empty());
  CHECK(created.etag() != "\"9\"");
  CHECK(created.account() == people.account);
  CHECK(created.owner() == people.rep);
  CHECK(created.sales_team_size() == 2);
  CHECK(created.decision_makers_size() == 1);
  CHECK(created.competitors_size() == 2);
  CHECK(created.source_campaign() == "campaigns/spring-fair");
  CHECK(created.source_lead() == "leads/l-17");
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));

  // The first StageChange records the starting stage.
  const std::vector<sv1::StageChange> history = crm.History(created.name());
  REQUIRE(history.size() == 1);
  const sv1::StageChange& first = history[0];
  CHECK(first.from_stage().empty());
  CHECK(first.to_stage() == kQualification);
  CHECK(first.probability_percent() == 10);
  CHECK(Text(first.expected_revenue()) == "EUR 12345.65");
  CHECK(first.state() == sv1::OPPORTUNITY_STATE_OPEN);
  CHECK(first.changed_by() == "anonymous");
  CHECK(MessageDifferencer::Equals(first.change_time(), created.create_time()));

  // A probability sent is kept; weighted revenue follows it.
  sv1::Opportunity likely = Deal(people, "Docks", kQualification, Eur(12345, 650'000'000));
  likely.set_probability_percent(35);
  const sv1::Opportunity docks = crm.Create(likely);
  CHECK(docks.probability_percent() == 35);
  CHECK(Text(docks.weighted_revenue()) == "EUR 4320.98");  // 4320.9775
  CHECK(Move(crm.History(docks.name())[0]) ==
        absl::StrCat(" -> ", kQualification, " 35% OPPORTUNITY_STATE_OPEN"));

  // Rounded to the currency's minor unit: yen have none, dinars three.
  const sv1::Opportunity yen =
      crm.Create(Deal(people, "Tokyo", kQualification, Amount("JPY", 12345)));
  CHECK(Text(yen.weighted_revenue()) == "JPY 1235.00");  // 1234.5
  const sv1::Opportunity dinar =
      crm.Create(Deal(people, "Kuwait", kProposal, Amount("KWD", 1, 234'567'000)));
  CHECK(Text(dinar.weighted_revenue()) == "KWD 0.494");  // 0.4938268
  const sv1::Opportunity nothing = crm.Create(Deal(people, "Free trial", kNegotiation, Eur(0)));
  CHECK(nothing.probability_percent() == 80);
  CHECK(Text(nothing.weighted_revenue()) == "EUR 0.00");

  // Closing today is allowed.
  const sv1::Opportunity today =
      crm.Create(Deal(people, "Today", kQualification, Eur(1), crm::api::UtcDate(absl::Now())));
  CHECK(today.state() == sv1::OPPORTUNITY_STATE_OPEN);

  const Strings all = {created.name(), docks.name(),   yen.name(),
                       dinar.name(),   nothing.name(), today.name()};
  CHECK(crm.Names() == all);
  // The first opportunity for an account assigns the account to its
  // territory (none here), in the same write.
  Strings expected_feed = {absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                                        people.account.substr(people.account.find('/') + 1),
                                        " CreateOpportunity ")};
  for (const std::string& name : all) {
    expected_feed.push_back(absl::StrCat("CHANGE_KIND_CREATED ", name, " CreateOpportunity "));
  }
  CHECK(crm.DescribeChangesAfter(head) == expected_feed);
}

TEST_CASE("opportunity: a request_id retry returns the same opportunity, one feed entry",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const int64_t head = crm.HeadSequence();
  const sv1::Opportunity deal = Deal(people, "Monitors");

  sv1::Opportunity first, again;
  REQUIRE(Outcome(crm.TryCreate(deal, &first, "deal-4711")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(deal, &again, "deal-4711")) == "OK");
  CHECK(MessageDifferencer::Equals(first, again));
  CHECK(crm.Names() == Strings{first.name()});
  CHECK(crm.Moves(first.name()).size() == 1);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                             people.account.substr(people.account.find('/') + 1),
                             " CreateOpportunity "),
                absl::StrCat("CHANGE_KIND_CREATED ", first.name(), " CreateOpportunity deal-4711")});

  // The same id for another request is refused; a bad id is refused.
  sv1::Opportunity other = deal;
  other.set_display_name("Keyboards");
  CHECK(Outcome(crm.TryCreate(other, nullptr, "deal-4711")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(crm.TryCreate(deal, nullptr, "deal 4711")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(crm.TryCreate(deal, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(crm.Names() == Strings{first.name()});

  // Without an id, each create is a new opportunity.
  const sv1::Opportunity second = crm.Create(deal);
  const sv1::Opportunity third = crm.Create(deal);
  CHECK(second.name() != third.name());
  CHECK(crm.Names() == Strings{first.name(), second.name(), third.name()});
}

TEST_CASE("opportunity: a refused create names the problem and writes nothing",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::SalesStage retire;
  retire.set_name(kNegotiation);
  retire.set_retired(true);
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"})) == "OK");
  const int64_t head = crm.HeadSequence();
  const std::string outsider = crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON);
  const std::string customer_person = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CUSTOMER);

  struct Refusal {
    const char* what;
    std::function<void(sv1::Opportunity*)> spoil;
    std::string outcome;
    std::string detail;  // the precondition, or the resource not found
  };
  const std::vector<Refusal> refusals = {
      {"a close date in the past", [](auto* o) { *o->mutable_close_date() = Yesterday(); },
       "INVALID_ARGUMENT opportunity.close_date", ""},
      {"an impossible close date",
       [](auto* o) { *o->mutable_close_date() = MakeDate(kYear, 2, 30); },
       "INVALID_ARGUMENT opportunity.close_date", ""},
      {"no expected revenue", [](auto* o) { o->clear_expected_revenue(); },
       "INVALID_ARGUMENT opportunity.expected_revenue", ""},
      {"a probability over 100", [](auto* o) { o->set_probability_percent(101); },
       "INVALID_ARGUMENT opportunity.probability_percent", ""},
      {"the owner in the team", [&](auto* o) { o->add_sales_team(people.rep); },
       "INVALID_ARGUMENT opportunity.sales_team[0]", ""},
      {"a team member twice",
       [&](auto* o) {
         o->add_sales_team(people.colleague);
         o->add_sales_team(people.colleague);
       },
       "INVALID_ARGUMENT opportunity.sales_team[1]", ""},
      {"a decider without a role",
       [&](auto* o) { AddDecider(o, people.buyer, sv1::BUYING_ROLE_UNSPECIFIED); },
       "INVALID_ARGUMENT opportunity.decision_makers[0].buying_role", ""},
      {"an account that is not a partner name", [](auto* o) { o->set_account("alvis"); },
       "INVALID_ARGUMENT opportunity.account", ""},
      {"a stage that does not exist", [](auto* o) { o->set_stage("salesStages/closing"); },
       "NOT_FOUND", "salesStages/closing"},
      {"a retired stage", [](auto* o) { o->set_stage(kNegotiation); }, "FAILED_PRECONDITION",
       "STAGE_RETIRED opportunity.stage"},
      {"an owner who is a contact person", [&](auto* o) { o->set_owner(outsider); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.owner"},
      {"an owner who is the account", [&](auto* o) { o->set_owner(people.account); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.owner"},
      {"a team member who is a customer",
       [&](auto* o) {
         o->add_sales_team(people.colleague);
         o->add_sales_team(customer_person);
       },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.sales_team[1]"},
      {"an unknown account", [](auto* o) { o->set_account("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown owner", [](auto* o) { o->set_owner("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown team member", [](auto* o) { o->add_sales_team("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown decider",
       [](auto* o) { AddDecider(o, "partners/nobody", sv1::BUYING_ROLE_INFLUENCER); }, "NOT_FOUND",
       "partners/nobody"},
  };
  for (const Refusal& r : refusals) {
    INFO(r.what);
    sv1::Opportunity deal = Deal(people, "Monitors");
    r.spoil(&deal);
    for (const std::string request_id : {"", "retry-me"}) {
      INFO("request_id \"" << request_id << "\"");
      const grpc::Status status = crm.TryCreate(deal, nullptr, request_id);
      CHECK(Outcome(status) == r.outcome);
      if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        CHECK(Precondition(status) == r.detail);
      } else if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        CHECK(DetailOf<google::rpc::ResourceInfo>(status).resource_name() == r.detail);
        CHECK(absl::StrContains(status.error_message(), r.detail));
      }
    }
  }
  sv1::CreateOpportunityRequest empty;
  sv1::Opportunity ignored;
  CHECK(Outcome(crm.api().CreateOpportunity(ContextWithDeadline().get(), empty, &ignored)) ==
        "INVALID_ARGUMENT opportunity");
  CHECK(crm.Names().empty());
  CHECK(crm.HeadSequence() == head);

  // A refused request_id is not used up: the corrected request succeeds.
  sv1::Opportunity created;
  CHECK(Outcome(crm.TryCreate(Deal(people, "Monitors"), &created, "retry-me")) == "OK");
  CHECK(crm.Names() == Strings{created.name()});
}

TEST_CASE("opportunity: ListOpportunities filters, orders and pages", "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  auto add = [&](const std::string& display_name, const std::string& owner,
                 const std::string& stage, const Date& close_date) {
    sv1::Opportunity deal = Deal(people, display_name, stage, Eur(1000), close_date, owner);
    if (display_name == "Alpha monitors") deal.set_source_campaign("campaigns/spring-fair");
    return crm.Create(deal).name();
  };
  const std::string alpha = add("Alpha monitors", people.rep, kQualification, Next(3, 31));
  const std::string bravo = add("Bravo keyboards", people.colleague, kProposal, Next(2, 15));
  const std::string charlie = add("Charlie docks", people.rep, kNegotiation, Next(6, 30));
  const std::string delta = add("Delta screens", people.colleague, kQualification, Next(4, 1));
  const std::string echo = add("Echo cables", people.rep, kProposal, Next(1, 10));
  REQUIRE(Outcome(crm.TryWin(echo, "Quick decision")) == "OK");
  const std::string rep = absl::StrCat("owner = \"", people.rep, "\"");
  const std::string q1 = absl::StrCat("close_date <= \"", NextIso(3, 31), "\"");

  const Strings everything = {alpha, bravo, charlie, delta, echo};
  CHECK(crm.Names() == everything);  // by create_time
  CHECK(crm.Names(rep) == Strings{alpha, charlie, echo});
  CHECK(crm.Names("state = OPEN") == Strings{alpha, bravo, charlie, delta});
  CHECK(crm.Names("state = OPPORTUNITY_STATE_WON") == Strings{echo});
  CHECK(crm.Names("state = LOST").empty());
  CHECK(crm.Names("state != OPEN") == Strings{echo});
  CHECK(crm.Names(absl::StrCat("stage = \"", kProposal, "\"")) == Strings{bravo, echo});
  CHECK(crm.Names(q1) == Strings{alpha, bravo, echo});
  CHECK(crm.Names(absl::StrCat("close_date < \"", NextIso(3, 31), "\"")) == Strings{bravo, echo});
  CHECK(crm.Names(absl::StrCat(rep, " AND state = OPEN AND ", q1)) == Strings{alpha});
  CHECK(crm.Names(absl::StrCat("account = \"", people.account, "\"")) == everything);
  CHECK(crm.Names("account = \"partners/nobody\"").empty());
  CHECK(crm.Names("source_campaign = \"campaigns/spring-fair\"") == Strings{alpha});
  CHECK(crm.Names("display_name = \"Charlie*\"") == Strings{charlie});

  // Ordered.
  const Strings by_close_date = {echo, bravo, alpha, delta, charlie};
  CHECK(crm.Names("", "close_date") == by_close_date);
  CHECK(crm.Names("", "close_date desc") == Strings(by_close_date.rbegin(), by_close_date.rend()));
  CHECK(crm.Names("", "display_name desc") == Strings{echo, delta, charlie, bravo, alpha});
  CHECK(crm.Names("state = OPEN", "close_date") == Strings{bravo, alpha, delta, charlie});
  CHECK(crm.Names("", "create_time desc") == Strings{echo, delta, charlie, bravo, alpha});

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Names("", "", 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(crm.Names("", "close_date", 2, &pages) == by_close_date);
  CHECK(pages == 3);
  CHECK(crm.Names("state = OPEN", "close_date desc", 1, &pages) ==
        Strings{charlie, delta, alpha, bravo});
  CHECK(pages == 4);
  CHECK(crm.Names(rep, "close_date", 3, &pages) == Strings{echo, alpha, charlie});
  CHECK(pages == 1);

  // Bad filters, orders, sizes and tokens.
  sv1::ListOpportunitiesResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "state = RED", "close_date <= \"31.03.2027\"",
        "owner =", "weighted_revenue > 100", "state = OPEN AND", "(state = OPEN"}) {
    INFO(filter);
    sv1::ListOpportunitiesRequest request;
    request.set_filter(filter);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT filter");
  }
  for (const std::string order_by : {"weighted_revenue", "close_date sideways", "owner"}) {
    INFO(order_by);
    sv1::ListOpportunitiesRequest request;
    request.set_order_by(order_by);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT order_by");
  }
  sv1::ListOpportunitiesRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  request.set_filter("state = OPEN");
  REQUIRE(Outcome(crm.TryList(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("state = WON");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("state = OPEN");
  request.set_order_by("close_date");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_order_by("");
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("opportunity: reads of unknown or malformed names", "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));

  sv1::Opportunity got;
  const grpc::Status unknown = crm.TryGet("opportunities/nothing-here", &got);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() ==
        "opportunities/nothing-here");
  CHECK(Outcome(crm.TryGet("", &got)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryGet("deals/1", &got)) == "INVALID_ARGUMENT name");

  sv1::ListStageChangesRequest request;
  sv1::ListStageChangesResponse response;
  request.set_parent("opportunities/nothing-here");
  const grpc::Status no_history = crm.TryHistory(request, &response);
  CHECK(Outcome(no_history) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(no_history).resource_name() ==
        "opportunities/nothing-here");
  for (const std::string parent : {"", "opportunity/1", "salesStages/proposal", "opportunities/"}) {
    INFO("parent \"" << parent << "\"");
    request.set_parent(parent);
    CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT parent");
  }
  request.set_parent(deal.name());
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(0);
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_token");

  // A token belongs to its opportunity.
  sv1::Opportunity moved = deal;
  moved.set_stage(kProposal);
  crm.Update(moved, {"stage"});
  const sv1::Opportunity other = crm.Create(Deal(people, "Docks"));
  request.set_page_token("");
  request.set_page_size(1);
  REQUIRE(Outcome(crm.TryHistory(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_parent(other.name());
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("opportunity: every write of an opportunity is on the change feed",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  crm.Create(Deal(people, "Warm-up"));  // assigns the account: its entry comes before
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity created;
  REQUIRE(Outcome(crm.TryCreate(Deal(people, "Monitors"), &created, "feed-1")) == "OK");
  sv1::Opportunity change = created;
  change.set_stage(kNegotiation);
  const sv1::Opportunity moved = crm.Update(change, {"stage"});
  CHECK(Outcome(crm.TryUpdate(created, {"display_name"})) == "ABORTED");  // not on the feed
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(created.name(), "Signed", moved.etag(), &won)) == "OK");

  const fv1::ListChangesResponse feed = crm.ChangesAfter(head);
  REQUIRE(feed.changes_size() == 3);
  const std::vector<std::pair<fv1::ChangeKind, std::string>> expected = {
      {fv1::CHANGE_KIND_CREATED, "CreateOpportunity"},
      {fv1::CHANGE_KIND_UPDATED, "UpdateOpportunity"},
      {fv1::CHANGE_KIND_UPDATED, "WinOpportunity"}};
  const std::vector<const sv1::Opportunity*> states = {&created, &moved, &won};
  for (int i = 0; i < 3; ++i) {
    INFO("change " << i);
    const fv1::Change& entry = feed.changes(i);
    CHECK(entry.sequence() == head + i + 1);
    CHECK(entry.resource_name() == created.name());
    CHECK(entry.kind() == expected[i].first);
    CHECK(entry.method() == expected[i].second);
    CHECK(entry.request_id() == (i == 0 ? "feed-1" : ""));
    sv1::Opportunity carried;
    REQUIRE(entry.resource().UnpackTo(&carried));
    CHECK(MessageDifferencer::Equals(carried, *states[i]));
  }
}
