// The sales pipeline (OpportunityService) over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - UpdateOpportunity: stage moves recorded oldest first and paged, the new
//    stage's default probability unless the probability is in the mask,
//    immutable and output-only paths, stale etags, past close dates (and a
//    close date that has passed since, kept on another update);
//  - Win and Lose: state, probability, reason, lost_to, close time, the
//    closing StageChange; a closed opportunity changes no more.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/opportunity_fixture.h"

using namespace crm::sales::testing::opportunity_testing;  // NOLINT

TEST_CASE("opportunity: UpdateOpportunity moves through stages and records each move",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity created = crm.Create(Deal(people, "Monitors", kQualification, Eur(10000)));
  const int64_t head = crm.HeadSequence();

  // Into Proposal: its default probability.
  sv1::Opportunity change = created;
  change.set_stage(kProposal);
  change.set_probability_percent(99);  // not in the mask
  const sv1::Opportunity proposal = crm.Update(change, {"stage"});
  CHECK(proposal.stage() == kProposal);
  CHECK(proposal.probability_percent() == 40);
  CHECK(Text(proposal.weighted_revenue()) == "EUR 4000.00");
  CHECK(proposal.etag() != created.etag());
  CHECK(MessageDifferencer::Equals(proposal.create_time(), created.create_time()));
  CHECK(proposal.update_time().seconds() * 1'000'000'000LL + proposal.update_time().nanos() >
        created.update_time().seconds() * 1'000'000'000LL + created.update_time().nanos());

  // A new default applies to opportunities entering the stage later only.
  sv1::SalesStage stage;
  stage.set_name(kNegotiation);
  stage.set_default_probability_percent(75);
  REQUIRE(Outcome(crm.TryUpdateStage(stage, {"default_probability_percent"})) == "OK");
  stage.set_name(kProposal);
  stage.set_default_probability_percent(45);
  REQUIRE(Outcome(crm.TryUpdateStage(stage, {"default_probability_percent"})) == "OK");
  CHECK(crm.Get(created.name()).probability_percent() == 40);

  // Into Negotiation with a probability of its own, in the same mask.
  change = proposal;
  change.set_stage(kNegotiation);
  change.set_probability_percent(70);
  const sv1::Opportunity negotiation = crm.Update(change, {"stage", "probability_percent"});
  CHECK(negotiation.probability_percent() == 70);
  CHECK(Text(negotiation.weighted_revenue()) == "EUR 7000.00");

  // Neither the stage nor the probability: no move, weighted revenue follows.
  change = negotiation;
  change.set_stage(kQualification);  // not in the mask
  *change.mutable_expected_revenue() = Eur(20000, 10'000'000);
  const sv1::Opportunity bigger = crm.Update(change, {"expected_revenue"});
  CHECK(bigger.stage() == kNegotiation);
  CHECK(bigger.probability_percent() == 70);
  CHECK(Text(bigger.weighted_revenue()) == "EUR 14000.01");  // 14000.007

  // The stage named again unchanged: no move, the probability stays.
  const sv1::Opportunity same_stage = crm.Update(bigger, {"stage"});
  CHECK(same_stage.probability_percent() == 70);

  // Back to Qualification: its default, 10.
  change = same_stage;
  change.set_stage(kQualification);
  const sv1::Opportunity back = crm.Update(change, {"stage"});
  CHECK(back.probability_percent() == 10);

  const Strings moves = {
      absl::StrCat(" -> ", kQualification, " 10% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kQualification, " -> ", kProposal, " 40% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kProposal, " -> ", kNegotiation, " 70% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kNegotiation, " -> ", kQualification, " 10% OPPORTUNITY_STATE_OPEN")};
  CHECK(crm.Moves(created.name()) == moves);
  int pages = 0;
  CHECK(crm.Moves(created.name(), 1, &pages) == moves);
  CHECK(pages == 4);
  CHECK(crm.Moves(created.name(), 3, &pages) == moves);
  CHECK(pages == 2);
  const std::vector<sv1::StageChange> history = crm.History(created.name());
  REQUIRE(history.size() == 4);
  CHECK(Text(history[2].expected_revenue()) == "EUR 10000.00");
  CHECK(Text(history[3].expected_revenue()) == "EUR 20000.01");
  CHECK(MessageDifferencer::Equals(history[1].change_time(), proposal.update_time()));
  CHECK(history[3].changed_by() == "anonymous");

  const std::string name = created.name();
  const std::string updated = absl::StrCat("CHANGE_KIND_UPDATED ", name, " UpdateOpportunity ");
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{updated, "CHANGE_KIND_UPDATED salesStages/negotiation UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ", updated, updated,
                updated, updated});

  // The team and the deciders change like any field; partners named anew
  // are checked.
  change = back;
  change.add_sales_team(people.colleague);
  AddDecider(&change, people.buyer, sv1::BUYING_ROLE_BUDGET_HOLDER);
  const sv1::Opportunity staffed = crm.Update(change, {"sales_team", "decision_makers"});
  CHECK(staffed.sales_team_size() == 1);
  CHECK(staffed.decision_makers(0).buying_role() == sv1::BUYING_ROLE_BUDGET_HOLDER);
  change = staffed;
  change.add_sales_team(crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON));
  const grpc::Status not_employee = crm.TryUpdate(change, {"sales_team"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE opportunity.sales_team[1]");
  change.set_sales_team(1, "partners/nobody");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_team"})) == "NOT_FOUND");
  change.set_sales_team(1, people.rep);  // the owner
  CHECK(Outcome(crm.TryUpdate(change, {"sales_team"})) ==
        "INVALID_ARGUMENT opportunity.sales_team[1]");
  change.set_sales_team(1, people.engineer);
  CHECK(crm.Update(change, {"sales_team"}).sales_team_size() == 2);
  // The owner hands over to a colleague in the team; the rep joins it.
  change = crm.Get(name);
  change.set_owner(people.colleague);
  change.set_sales_team(0, people.rep);
  const sv1::Opportunity handed_over = crm.Update(change, {"owner", "sales_team"});
  CHECK(handed_over.owner() == people.colleague);
  CHECK(crm.Names(absl::StrCat("owner = \"", people.colleague, "\"")) == Strings{name});
}

TEST_CASE("opportunity: a refused update names the problem and changes nothing",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors", kQualification, Eur(10000)));
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity change = deal;
  change.set_account(people.rival);
  CHECK(Outcome(crm.TryUpdate(change, {"account"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name", "account"})) ==
        "INVALID_ARGUMENT update_mask");
  for (const std::string path :
       {"state", "close_reason", "lost_to", "close_time", "weighted_revenue", "name", "create_time",
        "update_time", "etag", "colour", "expected_revenue.colour", "*,stage"}) {
    INFO(path);
    CHECK(Outcome(crm.TryUpdate(deal, Strings(absl::StrSplit(path, ',')))) ==
          "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(crm.TryUpdate(deal, {})) == "INVALID_ARGUMENT update_mask");

  // Stale etag: ABORTED, and nothing changed.
  change = deal;
  change.set_display_name("Monitors, revised");
  const sv1::Opportunity renamed = crm.Update(change, {"display_name"});
  change = deal;  // the old etag
  change.set_stage(kProposal);
  const grpc::Status stale = crm.TryUpdate(change, {"stage"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), renamed));
  CHECK(crm.Moves(deal.name()).size() == 1);

  // A new close date in the past; bad values; unknown or malformed names.
  change = renamed;
  *change.mutable_close_date() = Yesterday();
  CHECK(Outcome(crm.TryUpdate(change, {"close_date"})) ==
        "INVALID_ARGUMENT opportunity.close_date");
  CHECK(Outcome(crm.TryUpdate(change, {"*"})) == "INVALID_ARGUMENT opportunity.close_date");
  change = renamed;
  change.set_probability_percent(101);
  CHECK(Outcome(crm.TryUpdate(change, {"probability_percent"})) ==
        "INVALID_ARGUMENT opportunity.probability_percent");
  change = renamed;
  change.clear_display_name();
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) ==
        "INVALID_ARGUMENT opportunity.display_name");
  change = renamed;
  change.set_stage("salesStages/closing");
  const grpc::Status unknown_stage = crm.TryUpdate(change, {"stage"});
  CHECK(Outcome(unknown_stage) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_stage).resource_name() ==
        "salesStages/closing");
  change.set_stage("closing");
  CHECK(Outcome(crm.TryUpdate(change, {"stage"})) == "INVALID_ARGUMENT opportunity.stage");
  change = renamed;
  change.set_owner(crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON));
  const grpc::Status not_employee = crm.TryUpdate(change, {"owner"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE opportunity.owner");
  change = renamed;
  change.set_name("opportunities/nothing-here");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) == "NOT_FOUND");
  change.set_name("deals/1");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) == "INVALID_ARGUMENT opportunity.name");
  sv1::UpdateOpportunityRequest without;
  *without.mutable_update_mask() = Mask({"display_name"});
  sv1::Opportunity ignored;
  CHECK(Outcome(crm.api().UpdateOpportunity(ContextWithDeadline().get(), without, &ignored)) ==
        "INVALID_ARGUMENT opportunity");

  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), renamed));
  CHECK(crm.Moves(deal.name()).size() == 1);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", deal.name(), " UpdateOpportunity ")});
}

TEST_CASE("opportunity: a close date that has passed since may stay on other updates",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));
  const Date passed = Yesterday();
  crm.BackDateCloseDate(deal.name(), passed);
  sv1::Opportunity current = crm.Get(deal.name());
  REQUIRE(MessageDifferencer::Equals(current.close_date(), passed));

  sv1::Opportunity change = current;
  *change.mutable_expected_revenue() = Eur(15000);
  const sv1::Opportunity richer = crm.Update(change, {"expected_revenue"});
  CHECK(MessageDifferencer::Equals(richer.close_date(), passed));
  change = richer;
  change.set_stage(kProposal);
  CHECK(crm.Update(change, {"stage"}).probability_percent() == 40);

  // Setting it, though, it must not be in the past.
  change = crm.Get(deal.name());
  *change.mutable_close_date() = MakeDate(passed.year() - 1, passed.month(), 1);
  CHECK(Outcome(crm.TryUpdate(change, {"close_date"})) ==
        "INVALID_ARGUMENT opportunity.close_date");
  *change.mutable_close_date() = Next(6, 30);
  CHECK(MessageDifferencer::Equals(crm.Update(change, {"close_date"}).close_date(), Next(6, 30)));

  // "*" resending a passed date unchanged is not setting it.
  crm.BackDateCloseDate(deal.name(), passed);
  change = crm.Get(deal.name());
  change.set_display_name("Monitors, all branches");
  CHECK(crm.Update(change, {"*"}).display_name() == "Monitors, all branches");
}

TEST_CASE("opportunity: WinOpportunity and LoseOpportunity close an opportunity",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity won_deal =
      crm.Create(Deal(people, "Monitors", kNegotiation, Eur(24000, 500'000'000)));
  const sv1::Opportunity lost_deal = crm.Create(Deal(people, "Docks", kProposal, Eur(5000)));
  const sv1::Opportunity lost_by_name =
      crm.Create(Deal(people, "Cables", kQualification, Eur(300)));
  const int64_t head = crm.HeadSequence();

  // Refused, changing nothing: no reason, a reason too long, a stale etag,
  // bad and unknown names.
  for (const std::string& reason : {std::string(), std::string(1001, 'r')}) {
    CHECK(Outcome(crm.TryWin(won_deal.name(), reason)) == "INVALID_ARGUMENT reason");
    CHECK(Outcome(crm.TryLose(won_deal.name(), reason)) == "INVALID_ARGUMENT reason");
  }
  CHECK(Outcome(crm.TryLose(won_deal.name(), "Price", std::string(201, 'x'))) ==
        "INVALID_ARGUMENT lost_to");
  const grpc::Status stale = crm.TryWin(won_deal.name(), "Best offer", "\"7\"");
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(Outcome(crm.TryLose(won_deal.name(), "Price", "", "\"7\"")) == "ABORTED");
  CHECK(Outcome(crm.TryWin("opportunities/nothing-here", "Best offer")) == "NOT_FOUND");
  CHECK(Outcome(crm.TryWin("deals/1", "Best offer")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryLose("", "")) == "INVALID_ARGUMENT name, reason");
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won_deal));
  CHECK(crm.HeadSequence() == head);

  // Won, with the current etag.
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(won_deal.name(), "Best service offer", won_deal.etag(), &won)) ==
          "OK");
  CHECK(won.state() == sv1::OPPORTUNITY_STATE_WON);
  CHECK(won.probability_percent() == 100);
  CHECK(Text(won.weighted_revenue()) == "EUR 24000.50");
  CHECK(won.close_reason() == "Best service offer");
  CHECK(won.lost_to().empty());
  CHECK(won.has_close_time());
  CHECK(won.close_time().seconds() >= won_deal.create_time().seconds());
  CHECK(MessageDifferencer::Equals(won.update_time(), won.close_time()));
  CHECK(won.stage() == kNegotiation);
  CHECK(won.etag() != won_deal.etag());
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won));
  const std::vector<sv1::StageChange> won_history = crm.History(won_deal.name());
  REQUIRE(won_history.size() == 2);
  CHECK(Move(won_history[1]) ==
        absl::StrCat(kNegotiation, " -> ", kNegotiation, " 100% OPPORTUNITY_STATE_WON"));
  CHECK(MessageDifferencer::Equals(won_history[1].change_time(), won.close_time()));
  CHECK(Text(won_history[1].expected_revenue()) == "EUR 24000.50");

  // Lost to a competitor known to partners, and to one known by name.
  sv1::Opportunity lost;
  REQUIRE(Outcome(crm.TryLose(lost_deal.name(), "Price", people.rival, "", &lost)) == "OK");
  CHECK(lost.state() == sv1::OPPORTUNITY_STATE_LOST);
  CHECK(lost.probability_percent() == 0);
  CHECK(Text(lost.weighted_revenue()) == "EUR 0.00");
  CHECK(lost.close_reason() == "Price");
  CHECK(lost.lost_to() == people.rival);
  CHECK(lost.has_close_time());
  CHECK(crm.Moves(lost_deal.name()).back() ==
        absl::StrCat(kProposal, " -> ", kProposal, " 0% OPPORTUNITY_STATE_LOST"));
  REQUIRE(Outcome(crm.TryLose(lost_by_name.name(), "No budget", "Cable Kings", "", &lost)) == "OK");
  CHECK(lost.lost_to() == "Cable Kings");
  REQUIRE(Outcome(crm.TryGet(lost_by_name.name(), &lost)) == "OK");
  CHECK(lost.state() == sv1::OPPORTUNITY_STATE_LOST);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", won_deal.name(), " WinOpportunity "),
                absl::StrCat("CHANGE_KIND_UPDATED ", lost_deal.name(), " LoseOpportunity "),
                absl::StrCat("CHANGE_KIND_UPDATED ", lost_by_name.name(), " LoseOpportunity ")});
  const int64_t closed_head = crm.HeadSequence();

  // Closed is final: closing again, or updating, is FAILED_PRECONDITION.
  for (const std::string& name : {won_deal.name(), lost_deal.name()}) {
    INFO(name);
    const Strings expected = {"FAILED_PRECONDITION", absl::StrCat("CLOSED ", name)};
    const grpc::Status win_again = crm.TryWin(name, "Again");
    CHECK(Strings{Outcome(win_again), Precondition(win_again)} == expected);
    const grpc::Status lose_again = crm.TryLose(name, "Again");
    CHECK(Strings{Outcome(lose_again), Precondition(lose_again)} == expected);
    sv1::Opportunity change = crm.Get(name);
    change.set_display_name("Reopened");
    const grpc::Status update = crm.TryUpdate(change, {"display_name"});
    CHECK(Strings{Outcome(update), Precondition(update)} == expected);
    change.set_stage(kQualification);
    change.set_probability_percent(50);
    const grpc::Status move = crm.TryUpdate(change, {"stage", "probability_percent"});
    CHECK(Strings{Outcome(move), Precondition(move)} == expected);
  }
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won));
  CHECK(crm.Moves(won_deal.name()).size() == 2);
  CHECK(crm.HeadSequence() == closed_head);
}
