// The sales pipeline (OpportunityService) over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - partners down: creates and updates naming a new partner are
//    UNAVAILABLE within the client's deadline and write nothing; reads,
//    closes, retries and updates naming no new partner still work;
//  - an owner or team member already named elsewhere is still an employee;
//  - merged partners are stored under their survivors; competitors must be
//    competitors.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/opportunity_fixture.h"

using namespace crm::sales::testing::opportunity_testing;  // NOLINT

TEST_CASE("opportunity: with partners down, only what needs partners is UNAVAILABLE",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::Opportunity staffed = Deal(people, "Monitors", kQualification, Eur(10000));
  staffed.add_sales_team(people.colleague);
  AddDecider(&staffed, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  sv1::Opportunity deal;
  REQUIRE(Outcome(crm.TryCreate(staffed, &deal, "deal-1")) == "OK");
  const sv1::Opportunity to_win = crm.Create(Deal(people, "Docks"));

  crm.StopPartners();
  const int64_t head = crm.HeadSequence();

  // Creates need partners: UNAVAILABLE before the client gives up, nothing
  // written, with or without a request_id.
  constexpr int kDeadlineSeconds = 2;
  for (const std::string request_id : {"", "deal-2"}) {
    INFO("request_id \"" << request_id << "\"");
    grpc::Status down;
    const double seconds = SecondsOf([&] {
      down = crm.TryCreate(Deal(people, "Keyboards"), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(absl::StrContains(down.error_message(), "partners"));
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(crm.Names() == Strings{deal.name(), to_win.name()});
  CHECK(crm.HeadSequence() == head);

  // A bad request is refused for what it is, without waiting for partners.
  sv1::Opportunity past = Deal(people, "Keyboards");
  *past.mutable_close_date() = Yesterday();
  grpc::Status invalid;
  CHECK(SecondsOf([&] { invalid = crm.TryCreate(past, nullptr, "", kDeadlineSeconds); }) < 1);
  CHECK(Outcome(invalid) == "INVALID_ARGUMENT opportunity.close_date");

  // A retry of a create already answered needs no partners.
  sv1::Opportunity again;
  CHECK(Outcome(crm.TryCreate(staffed, &again, "deal-1", kDeadlineSeconds)) == "OK");
  CHECK(MessageDifferencer::Equals(again, deal));

  // Reads need no partners.
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), deal));
  CHECK(crm.Names("state = OPEN") == Strings{deal.name(), to_win.name()});
  CHECK(crm.Moves(deal.name()).size() == 1);

  // Updates naming no new partner work: revenue, stage, a smaller team,
  // the owner swapped with the team member.
  sv1::Opportunity change = deal;
  *change.mutable_expected_revenue() = Eur(12000);
  sv1::Opportunity updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"expected_revenue"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(Text(updated.weighted_revenue()) == "EUR 1200.00");
  change = updated;
  change.set_stage(kProposal);
  REQUIRE(Outcome(crm.TryUpdate(change, {"stage"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(updated.probability_percent() == 40);
  change = updated;
  change.set_owner(people.colleague);
  change.set_sales_team(0, people.rep);
  REQUIRE(Outcome(crm.TryUpdate(change, {"owner", "sales_team"}, &updated, kDeadlineSeconds)) ==
          "OK");
  CHECK(updated.owner() == people.colleague);
  const int64_t before_refusal = crm.HeadSequence();

  // One that names a new partner is UNAVAILABLE and changes nothing.
  change = updated;
  change.add_sales_team(people.engineer);
  grpc::Status down;
  const double seconds =
      SecondsOf([&] { down = crm.TryUpdate(change, {"sales_team"}, nullptr, kDeadlineSeconds); });
  CHECK(Outcome(down) == "UNAVAILABLE");
  CHECK(seconds < kDeadlineSeconds);
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), updated));
  CHECK(crm.HeadSequence() == before_refusal);

  // Dropping the team needs no partners either.
  change = updated;
  change.clear_sales_team();
  REQUIRE(Outcome(crm.TryUpdate(change, {"sales_team"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(updated.sales_team().empty());

  // Closing needs no partners; nor do the stages.
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(to_win.name(), "Signed", "", &won)) == "OK");
  CHECK(won.state() == sv1::OPPORTUNITY_STATE_WON);
  REQUIRE(Outcome(crm.TryLose(deal.name(), "No budget", "Screens & More")) == "OK");
  crm.CreateStage("closing", "Closing", 40, 90);
  CHECK(crm.Stages().size() == 4);
}

TEST_CASE("opportunity: an owner or team member already named elsewhere is still an employee",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::Opportunity deal = Deal(people, "Monitors");
  AddDecider(&deal, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  deal.add_competitors()->set_partner(people.rival);
  const sv1::Opportunity created = crm.Create(deal);

  const int64_t head = crm.HeadSequence();

  // The contact person, the account or the competitor may not own the
  // opportunity or join its team just because the opportunity names them
  // already.
  struct Case {
    const char* what;
    std::string owner;
    std::string team_member;
    std::string precondition;
  };
  const std::vector<Case> cases = {
      {"the decider as owner", people.buyer, "", "NOT_EMPLOYEE opportunity.owner"},
      {"the account as owner", people.account, "", "NOT_EMPLOYEE opportunity.owner"},
      {"the decider in the team", people.rep, people.buyer,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
      {"the account in the team", people.rep, people.account,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
      {"the competitor in the team", people.rep, people.rival,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    sv1::Opportunity change = created;
    change.clear_etag();
    change.set_owner(c.owner);
    if (!c.team_member.empty()) change.add_sales_team(c.team_member);
    const grpc::Status status = crm.TryUpdate(change, {"owner", "sales_team"});
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == c.precondition);
  }
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));
  CHECK(crm.HeadSequence() == head);
}

TEST_CASE("opportunity: merged partners are stored under their survivors, competitors are competitors",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const std::string duplicate = crm.AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION,
                                               "Alvis Retail", pv1::ROLE_TYPE_CUSTOMER);
  const std::string rep_twin = crm.AddPerson("Reppe-Zwilling", pv1::ROLE_TYPE_EMPLOYEE);
  crm.Merge(people.account, duplicate);
  crm.Merge(people.rep, rep_twin);

  sv1::Opportunity deal = Deal(people, "Monitors", kQualification, Eur(10000), Next(3, 31),
                               rep_twin);
  deal.set_account(duplicate);
  const sv1::Opportunity created = crm.Create(deal);
  CHECK(created.account() == people.account);
  CHECK(created.owner() == people.rep);

  // A competitor named by partner must be in the competitor role.
  sv1::Opportunity change = created;
  sv1::Competitor* competitor = change.add_competitors();
  competitor->set_partner(people.colleague);
  const grpc::Status refused = crm.TryUpdate(change, {"competitors"});
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "NOT_COMPETITOR opportunity.competitors[0].partner");
  competitor->set_partner(people.rival);
  CHECK(crm.Update(change, {"competitors"}).competitors(0).partner() == people.rival);
}
