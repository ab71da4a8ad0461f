// The sales pipeline (OpportunityService) over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - sales stages: created under chosen ids (bad and taken ids, a taken
//    position), listed by position and paged, updated (default probability,
//    position, retired) with etags; deleted only while no opportunity has
//    ever been in them.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/opportunity_fixture.h"

using namespace crm::sales::testing::opportunity_testing;  // NOLINT

TEST_CASE("opportunity: sales stages are created under chosen ids and listed by position",
          "[sales][opportunity]") {
  Pipeline crm;
  const int64_t start = crm.HeadSequence();
  const sv1::SalesStage negotiation = crm.CreateStage("negotiation", "Negotiation", 30, 80);
  CHECK(negotiation.name() == kNegotiation);
  CHECK(negotiation.display_name() == "Negotiation");
  CHECK(negotiation.position() == 30);
  CHECK(negotiation.default_probability_percent() == 80);
  CHECK_FALSE(negotiation.retired());
  CHECK(negotiation.create_time().seconds() > 0);
  CHECK(MessageDifferencer::Equals(negotiation.create_time(), negotiation.update_time()));
  CHECK_FALSE(negotiation.etag().empty());
  crm.CreateStage("qualification", "Qualification", 10, 10);
  crm.CreateStage("proposal", "Proposal", 20, 40);

  sv1::SalesStage got;
  REQUIRE(Outcome(crm.TryGetStage(kNegotiation, &got)) == "OK");
  CHECK(MessageDifferencer::Equals(got, negotiation));

  const Strings by_position = {"salesStages/qualification 10 10", "salesStages/proposal 20 40",
                               "salesStages/negotiation 30 80"};
  CHECK(crm.Stages() == by_position);
  int pages = 0;
  CHECK(crm.Stages(2, &pages) == by_position);
  CHECK(pages == 2);
  CHECK(crm.Stages(1, &pages) == by_position);
  CHECK(pages == 3);
  CHECK(crm.DescribeChangesAfter(start) ==
        Strings{"CHANGE_KIND_CREATED salesStages/negotiation CreateSalesStage ",
                "CHANGE_KIND_CREATED salesStages/qualification CreateSalesStage ",
                "CHANGE_KIND_CREATED salesStages/proposal CreateSalesStage "});
  const int64_t head = crm.HeadSequence();

  // Bad ids, a taken id, a taken position, bad fields: nothing written.
  for (const std::string& id :
       Strings{"", "Negotiation", "1st-call", "closing-", "closing_won", std::string(64, 'c')}) {
    INFO("id \"" << id << "\"");
    CHECK(Outcome(crm.TryCreateStage(id, "Closing", 40, 90)) == "INVALID_ARGUMENT sales_stage_id");
  }
  const grpc::Status taken_id = crm.TryCreateStage("proposal", "Proposal 2", 25, 50);
  CHECK(Outcome(taken_id) == "ALREADY_EXISTS");
  CHECK(DetailOf<google::rpc::ResourceInfo>(taken_id).resource_name() == kProposal);
  const grpc::Status taken_position = crm.TryCreateStage("closing", "Closing", 20, 90);
  CHECK(Outcome(taken_position) == "FAILED_PRECONDITION");
  CHECK(Precondition(taken_position) == "POSITION_TAKEN salesStages/closing");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 0, 90)) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 1001, 90)) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 40, 101)) ==
        "INVALID_ARGUMENT sales_stage.default_probability_percent");
  CHECK(Outcome(crm.TryCreateStage("closing", "", 40, 90)) ==
        "INVALID_ARGUMENT sales_stage.display_name");
  CHECK(Outcome(crm.TryCreateStage("Closing", "", 0, 90)) ==
        "INVALID_ARGUMENT sales_stage_id, sales_stage.display_name, sales_stage.position");
  sv1::CreateSalesStageRequest without_stage;
  without_stage.set_sales_stage_id("closing");
  sv1::SalesStage ignored;
  CHECK(Outcome(crm.api().CreateSalesStage(ContextWithDeadline().get(), without_stage, &ignored)) ==
        "INVALID_ARGUMENT sales_stage");
  CHECK(crm.Stages() == by_position);
  CHECK(crm.HeadSequence() == head);

  // The first and last positions are fine.
  crm.CreateStage("first-call", "First call", 1, 0);
  crm.CreateStage("closing", "Closing", 1000, 100);
  CHECK(crm.Stages().front() == "salesStages/first-call 1 0");
  CHECK(crm.Stages().back() == "salesStages/closing 1000 100");
  CHECK(Outcome(crm.TryGetStage("salesStages/won", &got)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryGetStage("stages/won", &got)) == "INVALID_ARGUMENT name");
}

TEST_CASE("opportunity: sales stages are updated with masks and etags, and retired",
          "[sales][opportunity]") {
  Pipeline crm;
  crm.AddStages();
  sv1::SalesStage proposal;
  REQUIRE(Outcome(crm.TryGetStage(kProposal, &proposal)) == "OK");
  const int64_t head = crm.HeadSequence();

  sv1::SalesStage change = proposal;
  change.set_default_probability_percent(45);
  change.set_display_name("ignored: not in the mask");
  sv1::SalesStage updated;
  REQUIRE(Outcome(crm.TryUpdateStage(change, {"default_probability_percent"}, &updated)) == "OK");
  CHECK(updated.default_probability_percent() == 45);
  CHECK(updated.display_name() == "Proposal");
  CHECK(updated.etag() != proposal.etag());
  CHECK(MessageDifferencer::Equals(updated.create_time(), proposal.create_time()));

  // The old etag is stale now; a taken position, a bad value and a bad
  // path are refused and change nothing.
  const grpc::Status stale = crm.TryUpdateStage(change, {"default_probability_percent"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  sv1::SalesStage moved = updated;
  moved.set_position(30);
  const grpc::Status taken = crm.TryUpdateStage(moved, {"position"});
  CHECK(Outcome(taken) == "FAILED_PRECONDITION");
  CHECK(Precondition(taken) == "POSITION_TAKEN salesStages/proposal");
  moved.set_position(1001);
  CHECK(Outcome(crm.TryUpdateStage(moved, {"position"})) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryUpdateStage(updated, {"etag"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdateStage(updated, {"colour"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdateStage(updated, {})) == "INVALID_ARGUMENT update_mask");
  sv1::SalesStage unknown = updated;
  unknown.set_name("salesStages/won");
  CHECK(Outcome(crm.TryUpdateStage(unknown, {"display_name"})) == "NOT_FOUND");
  CHECK(crm.Stages() == Strings{"salesStages/qualification 10 10", "salesStages/proposal 20 45",
                                "salesStages/negotiation 30 80"});

  // Its own position again is no conflict; a free one moves it.
  moved.set_position(20);
  REQUIRE(Outcome(crm.TryUpdateStage(moved, {"position"}, &moved)) == "OK");
  moved.set_position(35);
  CHECK(Outcome(crm.TryUpdateStage(moved, {"position"})) == "OK");

  sv1::SalesStage retire;
  retire.set_name(kQualification);
  retire.set_retired(true);
  sv1::SalesStage retired;
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"}, &retired)) == "OK");
  CHECK(retired.retired());
  CHECK(retired.position() == 10);
  CHECK(crm.Stages() == Strings{"salesStages/qualification 10 10 retired",
                                "salesStages/negotiation 30 80", "salesStages/proposal 35 45"});
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/qualification UpdateSalesStage "});
}

TEST_CASE("opportunity: a stage an opportunity has been in can only be retired, not deleted",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  crm.CreateStage("closing", "Closing", 40, 90);
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));
  sv1::Opportunity moved = deal;
  moved.set_stage(kProposal);
  crm.Update(moved, {"stage"});
  const int64_t head = crm.HeadSequence();

  // Left or still in: either way in use.
  for (const char* stage : {kQualification, kProposal}) {
    INFO(stage);
    const grpc::Status refused = crm.TryDeleteStage(stage);
    CHECK(Outcome(refused) == "FAILED_PRECONDITION");
    CHECK(Precondition(refused) == absl::StrCat("IN_USE ", stage));
  }
  CHECK(crm.HeadSequence() == head);

  // Never used: deleted (with a current etag; a stale one is ABORTED).
  sv1::SalesStage negotiation;
  REQUIRE(Outcome(crm.TryGetStage(kNegotiation, &negotiation)) == "OK");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation, "\"99\"")) == "ABORTED");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation, negotiation.etag())) == "OK");
  CHECK(Outcome(crm.TryGetStage(kNegotiation, &negotiation)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteStage("negotiation")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryDeleteStage("salesStages/closing")) == "OK");
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_DELETED salesStages/negotiation DeleteSalesStage ",
                "CHANGE_KIND_DELETED salesStages/closing DeleteSalesStage "});

  // Retired instead: opportunities may no longer enter it, whether new or
  // moved there; those already in it stay.
  sv1::SalesStage retire;
  retire.set_name(kProposal);
  retire.set_retired(true);
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"})) == "OK");
  CHECK(crm.Get(deal.name()).stage() == kProposal);
  const grpc::Status new_in_retired = crm.TryCreate(Deal(people, "Docks", kProposal));
  CHECK(Outcome(new_in_retired) == "FAILED_PRECONDITION");
  CHECK(Precondition(new_in_retired) == "STAGE_RETIRED opportunity.stage");
  const sv1::Opportunity other = crm.Create(Deal(people, "Docks"));
  sv1::Opportunity into_retired = other;
  into_retired.set_stage(kProposal);
  const grpc::Status move_refused = crm.TryUpdate(into_retired, {"stage"});
  CHECK(Outcome(move_refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(move_refused) == "STAGE_RETIRED opportunity.stage");
  CHECK(crm.Get(other.name()).stage() == kQualification);
  CHECK(crm.Moves(other.name()).size() == 1);
}
