// Marketing plans and cost items (MarketingPlanService) over a real gRPC
// channel and a real SQLite file: create (output-only totals ignored), get,
// list with filter and paging, update by mask and etag (the period must
// still hold the plan's campaigns), delete refused while in use; cost items
// on plans and campaigns and the totals they add up to.
#include <functional>
#include <utility>

#include "absl/strings/match.h"
#include "services/marketing/tests/campaign_desk.h"

namespace crm::marketing::testing {
namespace {

class Budgets : public CampaignDesk {
 public:
  // A campaign in EUR of `plan` (or none) with the planned budget given.
  mv1::Campaign CreateCampaign(const std::string& plan, const Date& start, const Date& end,
                               const Money& budget = Money()) {
    mv1::Campaign campaign = NewCampaign("Dealer mailing", start, end, plan);
    *campaign.mutable_planned_budget() = budget;
    return Create(campaign);
  }
};

}  // namespace

TEST_CASE("marketing plans: a created plan has zero totals whatever was sent, and reads back",
          "[marketing][plan]") {
  Budgets suite;
  const int64_t head = suite.HeadSequence();
  mv1::MarketingPlan sent = NewPlan(Next(1, 1), Next(6, 30), Eur(100000));
  sent.set_name("marketingPlans/mine");
  *sent.mutable_allocated_budget() = Eur(500);
  *sent.mutable_actual_cost() = Eur(300);
  sent.set_etag("\"9\"");
  mv1::MarketingPlan plan;
  REQUIRE(Outcome(suite.TryCreatePlan(sent, &plan, "plan-1")) == "OK");
  CHECK(absl::StartsWith(plan.name(), "marketingPlans/"));
  CHECK(plan.name() != "marketingPlans/mine");
  CHECK(plan.display_name() == "Spring, Benelux");
  CHECK(Iso(plan.start_date()) == Iso(Next(1, 1)));
  CHECK(Iso(plan.end_date()) == Iso(Next(6, 30)));
  CHECK(plan.currency_code() == "EUR");
  CHECK(Text(plan.planned_budget()) == "EUR 100000.00");
  CHECK(Text(plan.allocated_budget()) == "EUR 0.00");
  CHECK(Text(plan.actual_cost()) == "EUR 0.00");
  CHECK((!plan.etag().empty() && plan.etag() != "\"9\""));
  CHECK(plan.create_time().seconds() > 0);
  CHECK(Same(plan.create_time(), plan.update_time()));
  CHECK(Same(suite.GetPlan(plan.name()), plan));

  // A retry answers the first result and writes nothing more.
  mv1::MarketingPlan again;
  REQUIRE(Outcome(suite.TryCreatePlan(sent, &again, "plan-1")) == "OK");
  CHECK(Same(again, plan));
  CHECK(suite.PlanNames() == Strings{plan.name()});
  CHECK(suite.DescribeChangesAfter(head) ==
        Strings{Change("CREATED", plan.name(), "CreateMarketingPlan", "plan-1")});

  CHECK(Outcome(suite.TryGetPlan("marketingPlans/nothing")) == "NOT_FOUND");
  CHECK(Outcome(suite.TryGetPlan("campaigns/nothing")) == "INVALID_ARGUMENT name");
}

TEST_CASE("marketing plans: bad plans are refused naming each field, nothing is written",
          "[marketing][plan]") {
  Budgets suite;
  const int64_t head = suite.HeadSequence();
  using Spoil = std::function<void(mv1::MarketingPlan*)>;
  const std::vector<std::pair<Spoil, std::string>> cases = {
      {[](auto* p) { p->clear_display_name(); }, "marketing_plan.display_name"},
      {[](auto* p) { p->clear_start_date(); }, "marketing_plan.start_date"},
      {[](auto* p) { *p->mutable_end_date() = Next(2, 28); }, "marketing_plan.end_date"},
      {[](auto* p) { p->clear_currency_code(); }, "marketing_plan.currency_code"},
      {[](auto* p) { p->clear_planned_budget(); }, "marketing_plan.planned_budget"},
      {[](auto* p) { *p->mutable_planned_budget() = Eur(-1); }, "marketing_plan.planned_budget"},
      {[](auto* p) { *p->mutable_planned_budget() = In("USD", 5000); },
       "marketing_plan.planned_budget.currency_code"},
  };
  for (const auto& [spoil, field] : cases) {
    INFO(field);
    mv1::MarketingPlan plan = NewPlan(Next(3, 1), Next(5, 31));
    spoil(&plan);
    CHECK(Outcome(suite.TryCreatePlan(plan)) == absl::StrCat("INVALID_ARGUMENT ", field));
  }
  mv1::MarketingPlan worst = NewPlan(Next(3, 1), Next(1, 31));
  worst.clear_display_name();
  worst.clear_currency_code();
  CHECK(Outcome(suite.TryCreatePlan(worst)) ==
        "INVALID_ARGUMENT marketing_plan.display_name, marketing_plan.end_date, "
        "marketing_plan.currency_code");
  CHECK(Outcome(Try(suite.plans(), &PlanStub::CreateMarketingPlan,
                    mv1::CreateMarketingPlanRequest())) == "INVALID_ARGUMENT marketing_plan");
  CHECK(suite.PlanNames().empty());
  CHECK(suite.HeadSequence() == head);
}

TEST_CASE("marketing plans: ListMarketingPlans lists latest start first, filtered and paged",
          "[marketing][plan]") {
  Budgets suite;
  const std::string winter = suite.CreatePlan(NewPlan(Next(1, 1), Next(3, 31))).name();
  const std::string spring = suite.CreatePlan(NewPlan(Next(4, 1), Next(6, 30))).name();
  const std::string summer =
      suite.CreatePlan(NewPlan(Next(7, 1), Next(9, 30), In("USD", 20000))).name();

  CHECK(suite.PlanNames() == Strings{summer, spring, winter});
  CHECK(suite.PlanNames("currency_code = \"EUR\"") == Strings{spring, winter});
  CHECK(suite.PlanNames(absl::StrCat("end_date >= \"", Iso(Next(5, 1)), "\"")) ==
        Strings{summer, spring});
  CHECK(suite.PlanNames(absl::StrCat("start_date < \"", Iso(Next(4, 1)), "\"")) == Strings{winter});
  int pages = 0;
  CHECK(suite.PlanNames("", 1, &pages) == Strings{summer, spring, winter});
  CHECK(pages == 3);
  CHECK(suite.PlanNames("currency_code = \"EUR\"", 1, &pages) == Strings{spring, winter});
  CHECK(pages == 2);

  // Each listed plan carries its totals like GetMarketingPlan.
  mv1::ListMarketingPlansRequest request;
  request.set_page_size(1);
  const auto first = MustCall(suite.plans(), &PlanStub::ListMarketingPlans, request);
  REQUIRE(first.marketing_plans_size() == 1);
  CHECK(Same(first.marketing_plans(0), suite.GetPlan(summer)));
  REQUIRE(!first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  request.set_filter("currency_code = \"EUR\"");
  CHECK(Outcome(Try(suite.plans(), &PlanStub::ListMarketingPlans, request)) ==
        "INVALID_ARGUMENT page_token");
  request.set_page_token("");
  request.set_filter("display_name = \"Spring\"");
  CHECK(Outcome(Try(suite.plans(), &PlanStub::ListMarketingPlans, request)) ==
        "INVALID_ARGUMENT filter");
  request.set_filter("");
  request.set_page_size(-1);
  CHECK(Outcome(Try(suite.plans(), &PlanStub::ListMarketingPlans, request)) ==
        "INVALID_ARGUMENT page_size");
}

TEST_CASE("marketing plans: UpdateMarketingPlan changes only the masked fields, checks the etag",
          "[marketing][plan]") {
  Budgets suite;
  const mv1::MarketingPlan plan = suite.CreatePlan(NewPlan(Next(1, 1), Next(6, 30)));
  const int64_t head = suite.HeadSequence();

  mv1::MarketingPlan patch = plan;
  patch.set_display_name("Spring, Benelux and DACH");
  patch.set_description("not in the mask");
  *patch.mutable_planned_budget() = Eur(120000, 500000000);
  mv1::MarketingPlan updated;
  REQUIRE(Outcome(suite.TryUpdatePlan(patch, {"display_name", "planned_budget"}, &updated)) ==
          "OK");
  CHECK(updated.display_name() == "Spring, Benelux and DACH");
  CHECK(updated.description() == "More dealers in the Benelux");
  CHECK(Text(updated.planned_budget()) == "EUR 120000.50");
  CHECK(Text(updated.allocated_budget()) == "EUR 0.00");
  CHECK(updated.etag() != plan.etag());
  CHECK(Same(updated.create_time(), plan.create_time()));
  CHECK(Same(suite.GetPlan(plan.name()), updated));
  CHECK(suite.DescribeChangesAfter(head) ==
        Strings{Change("UPDATED", plan.name(), "UpdateMarketingPlan")});

  // Refused: nothing changes.
  mv1::MarketingPlan stale = plan;  // the etag read before the update
  stale.set_display_name("Lost update");
  CHECK(Outcome(suite.TryUpdatePlan(stale, {"display_name"})) == "ABORTED");
  mv1::MarketingPlan current = updated;
  current.set_currency_code("USD");
  CHECK(Outcome(suite.TryUpdatePlan(current, {"currency_code"})) == "INVALID_ARGUMENT update_mask");
  *current.mutable_allocated_budget() = Eur(1);
  CHECK(Outcome(suite.TryUpdatePlan(current, {"allocated_budget"})) ==
        "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(suite.TryUpdatePlan(current, {"actual_cost"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(suite.TryUpdatePlan(current, {})) == "INVALID_ARGUMENT update_mask");
  current = updated;
  *current.mutable_start_date() = Next(12, 31);  // after the stored end
  CHECK(Outcome(suite.TryUpdatePlan(current, {"start_date"})) ==
        "INVALID_ARGUMENT marketing_plan.end_date");
  current = updated;
  *current.mutable_planned_budget() = In("USD", 1000);
  CHECK(Outcome(suite.TryUpdatePlan(current, {"planned_budget"})) ==
        "INVALID_ARGUMENT marketing_plan.planned_budget.currency_code");
  *current.mutable_planned_budget() = Eur(-5);
  CHECK(Outcome(suite.TryUpdatePlan(current, {"planned_budget"})) ==
        "INVALID_ARGUMENT marketing_plan.planned_budget");
  current = updated;
  current.set_name("marketingPlans/nothing");
  CHECK(Outcome(suite.TryUpdatePlan(current, {"display_name"})) == "NOT_FOUND");
  CHECK(Same(suite.GetPlan(plan.name()), updated));
  CHECK(suite.DescribeChangesAfter(head).size() == 1);

  // The current etag is accepted.
  current = updated;
  *current.mutable_start_date() = Next(2, 1);
  mv1::MarketingPlan moved;
  REQUIRE(Outcome(suite.TryUpdatePlan(current, {"start_date"}, &moved)) == "OK");
  CHECK(Iso(moved.start_date()) == Iso(Next(2, 1)));
}

TEST_CASE("marketing plans: the period cannot shrink so that a campaign lies outside",
          "[marketing][plan]") {
  Budgets suite;
  const mv1::MarketingPlan plan = suite.CreatePlan(NewPlan(Next(1, 1), Next(12, 31)));
  const mv1::Campaign march = suite.CreateCampaign(plan.name(), Next(3, 1), Next(3, 31));
  const int64_t head = suite.HeadSequence();
  const std::string outside = absl::StrCat("FAILED_PRECONDITION OUTSIDE_PLAN ", march.name());

  mv1::MarketingPlan later = plan;
  *later.mutable_start_date() = Next(3, 2);
  CHECK(Verdict(suite.TryUpdatePlan(later, {"start_date"})) == outside);
  mv1::MarketingPlan earlier = plan;
  *earlier.mutable_end_date() = Next(3, 30);
  CHECK(Verdict(suite.TryUpdatePlan(earlier, {"end_date"})) == outside);
  mv1::MarketingPlan elsewhere = plan;
  *elsewhere.mutable_start_date() = Next(5, 1);
  *elsewhere.mutable_end_date() = Next(8, 31);
  CHECK(Verdict(suite.TryUpdatePlan(elsewhere, {"start_date", "end_date"})) == outside);
  CHECK(Same(suite.GetPlan(plan.name()), plan));
  CHECK(suite.HeadSequence() == head);

  // Exactly the campaign's dates still hold it.
  mv1::MarketingPlan tight = plan;
  *tight.mutable_start_date() = Next(3, 1);
  *tight.mutable_end_date() = Next(3, 31);
  mv1::MarketingPlan updated;
  REQUIRE(Outcome(suite.TryUpdatePlan(tight, {"start_date", "end_date"}, &updated)) == "OK");
  CHECK(Iso(updated.start_date()) == Iso(Next(3, 1)));
  CHECK(Iso(updated.end_date()) == Iso(Next(3, 31)));
}

TEST_CASE("marketing plans: a plan with campaigns or cost items cannot be deleted",
          "[marketing][plan]") {
  Budgets suite;
  const mv1::MarketingPlan plan = suite.CreatePlan(NewPlan(Next(1, 1), Next(12, 31)));
  const mv1::Campaign campaign = suite.CreateCampaign(plan.name(), Next(3, 1), Next(3, 31));
  const std::string in_use = absl::StrCat("FAILED_PRECONDITION IN_USE ", plan.name());

  CHECK(Verdict(suite.TryDeletePlan(plan.name())) == in_use);
  REQUIRE(Outcome(suite.TryDelete(campaign.name())) == "OK");
  const mv1::CostItem cost = suite.CreateCost(NewCost(plan.name(), "", Eur(80)));
  CHECK(Verdict(suite.TryDeletePlan(plan.name())) == in_use);
  const mv1::MarketingPlan kept = suite.GetPlan(plan.name());
  CHECK(Text(kept.actual_cost()) == "EUR 80.00");
  CHECK(kept.etag() == plan.etag());
  REQUIRE(Outcome(suite.TryDeleteCost(cost.name(), cost.etag())) == "OK");

  const int64_t head = suite.HeadSequence();
  CHECK(Outcome(suite.TryDeletePlan(plan.name(), "\"99\"")) == "ABORTED");
  CHECK(Outcome(suite.TryDeletePlan("marketingPlans/nothing")) == "NOT_FOUND");
  CHECK(Outcome(suite.TryDeletePlan(plan.name(), plan.etag())) == "OK");
  CHECK(Outcome(suite.TryGetPlan(plan.name())) == "NOT_FOUND");
  CHECK(suite.PlanNames().empty());
  CHECK(suite.DescribeChangesAfter(head) ==
        Strings{Change("DELETED", plan.name(), "DeleteMarketingPlan")});
  CHECK(Outcome(suite.TryDeletePlan(plan.name())) == "NOT_FOUND");
}

TEST_CASE("cost items: plans and campaigns add up their budgets and costs",
          "[marketing][plan][cost]") {
  Budgets suite;
  const std::string plan = suite.CreatePlan(NewPlan(Next(1, 1), Next(12, 31))).name();
  const std::string first = suite.CreateCampaign(plan, Next(3, 1), Next(3, 31), Eur(1000)).name();
  const std::string second =
      suite.CreateCampaign(plan, Next(4, 1), Next(4, 30), Eur(500, 250000000)).name();
  const std::string loose = suite.CreateCampaign("", Next(5, 1), Next(5, 31), Eur(200)).name();
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 1500.25 / EUR 0.00");

  mv1::CostItem sent = NewCost(plan, "", Eur(100), Next(2, 1));
  sent.set_name("costItems/mine");
  sent.set_etag("\"5\"");
  mv1::CostItem on_plan;
  REQUIRE(Outcome(suite.TryCreateCost(sent, &on_plan)) == "OK");
  CHECK(absl::StartsWith(on_plan.name(), "costItems/"));
  CHECK(on_plan.name() != "costItems/mine");
  CHECK(on_plan.marketing_plan() == plan);
  CHECK(on_plan.campaign().empty());
  CHECK(Text(on_plan.amount()) == "EUR 100.00");
  CHECK(Same(suite.GetCost(on_plan.name()), on_plan));
  const mv1::CostItem print = suite.CreateCost(NewCost("", first, Eur(250, 500000000), Next(3, 5)));
  const mv1::CostItem post = suite.CreateCost(NewCost("", first, Eur(49, 500000000), Next(3, 20)));
  const mv1::CostItem flyer = suite.CreateCost(NewCost("", loose, Eur(70), Next(5, 2)));
  CHECK(print.campaign() == first);

  // The plan: its own items and its campaigns'; a campaign: its own.
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 1500.25 / EUR 400.00");
  CHECK(suite.Spent(first) == "EUR 300.00");
  CHECK(suite.Spent(second) == "EUR 0.00");
  CHECK(suite.Spent(loose) == "EUR 70.00");
  mv1::ListCampaignsRequest campaigns;
  campaigns.set_filter(Quoted("marketing_plan", plan));
  const auto listed = MustCall(suite.api(), &CampaignStub::ListCampaigns, campaigns);
  REQUIRE(listed.campaigns_size() == 2);
  CHECK(listed.campaigns(1).name() == first);
  CHECK(Text(listed.campaigns(1).actual_cost()) == "EUR 300.00");

  // Listed latest incurred first, filtered.
  CHECK(suite.CostNames() == Strings{flyer.name(), post.name(), print.name(), on_plan.name()});
  CHECK(suite.CostNames(Quoted("campaign", first)) == Strings{post.name(), print.name()});
  CHECK(suite.CostNames(Quoted("marketing_plan", plan)) == Strings{on_plan.name()});
  CHECK(suite.CostNames(absl::StrCat("incurred_date < \"", Iso(Next(3, 10)), "\"")) ==
        Strings{print.name(), on_plan.name()});

  // A changed amount or budget changes the totals.
  mv1::CostItem cheaper = print;
  *cheaper.mutable_amount() = Eur(150, 500000000);
  cheaper.set_description("not in the mask");
  mv1::CostItem updated;
  REQUIRE(Outcome(suite.TryUpdateCost(cheaper, {"amount"}, &updated)) == "OK");
  CHECK(Text(updated.amount()) == "EUR 150.50");
  CHECK(updated.description() == "Agency invoice");
  CHECK(updated.etag() != print.etag());
  CHECK(suite.Spent(first) == "EUR 200.00");
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 1500.25 / EUR 300.00");
  mv1::Campaign bigger = suite.Get(second);
  *bigger.mutable_planned_budget() = Eur(800);
  REQUIRE(Outcome(suite.TryUpdate(bigger, {"planned_budget"})) == "OK");
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 1800.00 / EUR 300.00");

  // A deleted item no longer counts.
  const int64_t head = suite.HeadSequence();
  CHECK(Outcome(suite.TryDeleteCost(post.name(), post.etag())) == "OK");
  CHECK(suite.DescribeChangesAfter(head) ==
        Strings{Change("DELETED", post.name(), "DeleteCostItem")});
  CHECK(suite.Spent(first) == "EUR 150.50");
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 1800.00 / EUR 250.50");
  CHECK(suite.CostNames(Quoted("campaign", first)) == Strings{print.name()});
}

TEST_CASE("cost items: bad cost items are refused, nothing is written", "[marketing][plan][cost]") {
  Budgets suite;
  const std::string plan = suite.CreatePlan(NewPlan(Next(1, 1), Next(12, 31))).name();
  const std::string campaign = suite.CreateCampaign(plan, Next(3, 1), Next(3, 31)).name();
  const int64_t head = suite.HeadSequence();

  const std::vector<std::pair<mv1::CostItem, std::string>> cases = {
      {NewCost(plan, "", In("USD", 10)), "INVALID_ARGUMENT cost_item.amount.currency_code"},
      {NewCost("", campaign, In("CHF", 10)), "INVALID_ARGUMENT cost_item.amount.currency_code"},
      {NewCost("marketingPlans/nothing", "", Eur(10)), "NOT_FOUND"},
      {NewCost("", "campaigns/nothing", Eur(10)), "NOT_FOUND"},
      {NewCost(plan, campaign, Eur(10)), "INVALID_ARGUMENT cost_item.campaign"},
      {NewCost("", "", Eur(10)), "INVALID_ARGUMENT cost_item.marketing_plan"},
      {NewCost(plan, "", Eur(0)), "INVALID_ARGUMENT cost_item.amount"},
      {NewCost("", campaign, Eur(-3)), "INVALID_ARGUMENT cost_item.amount"},
      {NewCost("", campaign, Money()), "INVALID_ARGUMENT cost_item.amount"},
      {NewCost("", campaign, Eur(10), Date()), "INVALID_ARGUMENT cost_item.incurred_date"},
      {NewCost("plans/x", "", Eur(10)), "INVALID_ARGUMENT cost_item.marketing_plan"},
  };
  for (const auto& [item, outcome] : cases) {
    INFO(item.ShortDebugString());
    CHECK(Outcome(suite.TryCreateCost(item)) == outcome);
  }
  mv1::CostItem blank = NewCost(plan, "", Eur(10));
  blank.clear_description();
  CHECK(Outcome(suite.TryCreateCost(blank)) == "INVALID_ARGUMENT cost_item.description");
  CHECK(suite.CostNames().empty());
  CHECK(suite.HeadSequence() == head);
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 0.00 / EUR 0.00");
  CHECK(suite.Spent(campaign) == "EUR 0.00");

  // Updates: the target cannot change, the currency must fit, the etag must.
  const mv1::CostItem item = suite.CreateCost(NewCost("", campaign, Eur(60)));
  mv1::CostItem moved = item;
  moved.set_campaign("");
  moved.set_marketing_plan(plan);
  CHECK(Outcome(suite.TryUpdateCost(moved, {"marketing_plan"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(suite.TryUpdateCost(moved, {"campaign"})) == "INVALID_ARGUMENT update_mask");
  mv1::CostItem dollars = item;
  *dollars.mutable_amount() = In("USD", 60);
  CHECK(Outcome(suite.TryUpdateCost(dollars, {"amount"})) ==
        "INVALID_ARGUMENT cost_item.amount.currency_code");
  *dollars.mutable_amount() = Eur(0);
  CHECK(Outcome(suite.TryUpdateCost(dollars, {"amount"})) == "INVALID_ARGUMENT cost_item.amount");
  mv1::CostItem stale = item;
  *stale.mutable_amount() = Eur(61);
  stale.set_etag("\"7\"");
  CHECK(Outcome(suite.TryUpdateCost(stale, {"amount"})) == "ABORTED");
  CHECK(Outcome(suite.TryDeleteCost(item.name(), "\"7\"")) == "ABORTED");
  CHECK(Outcome(suite.TryDeleteCost("costItems/nothing")) == "NOT_FOUND");
  CHECK(Same(suite.GetCost(item.name()), item));
  CHECK(suite.Spent(campaign) == "EUR 60.00");
  CHECK(suite.Totals(plan) == "EUR 100000.00 / EUR 0.00 / EUR 60.00");
}

}  // namespace crm::marketing::testing
