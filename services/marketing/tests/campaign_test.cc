// Campaigns (CampaignService) over a real gRPC channel and a real SQLite
// file, with real partners beside it: create (output-only fields ignored,
// the owner checked with partners, waves within the campaign's dates and
// templates with known placeholders only, the plan's currency and period,
// target groups built for the wave's channel), get, list, update by mask
// and etag, delete; CopyCampaign and the marketing calendar.
#include <functional>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "services/marketing/tests/campaign_desk.h"

namespace crm::marketing::testing {
namespace {

using Desk = CampaignDesk;

// "A" for a campaign, "A/w" for its wave w, by the campaigns' display names.
Strings Describe(const std::vector<mv1::CalendarEntry>& entries,
                 const std::map<std::string, std::string>& labels) {
  Strings out;
  for (const auto& entry : entries) {
    const std::string label = labels.at(entry.campaign());
    out.push_back(entry.wave_id().empty() ? label : absl::StrCat(label, "/", entry.wave_id()));
  }
  return out;
}

}  // namespace

TEST_CASE("campaigns: a created campaign is planned, output-only fields sent are ignored",
          "[marketing][campaign]") {
  Desk desk;
  const std::string owner = desk.Employee("Planer");
  const std::string plan = desk.Plan(Next(1, 1), Next(12, 31));
  const int64_t head = desk.HeadSequence();
  mv1::Campaign sent = NewCampaign("Retention autumn", Next(3, 1), Next(4, 30), plan);
  sent.set_owner(owner);
  *sent.add_waves() = NewWave("first-mailing", mv1::CHANNEL_MAIL, Next(3, 1), Next(3, 10));
  *sent.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 5), Next(4, 30));
  sent.set_name("campaigns/mine");
  sent.set_state(mv1::CAMPAIGN_STATE_RUNNING);
  sent.set_copied_from("campaigns/older");
  *sent.mutable_actual_cost() = Eur(99);
  sent.mutable_waves(0)->mutable_release_time()->set_seconds(1700000000);
  mv1::Campaign campaign;
  REQUIRE(Outcome(desk.TryCreate(sent, &campaign, "c-1")) == "OK");
  CHECK(absl::StartsWith(campaign.name(), "campaigns/"));
  CHECK(campaign.name() != "campaigns/mine");
  CHECK(campaign.state() == mv1::CAMPAIGN_STATE_PLANNED);
  CHECK(campaign.copied_from().empty());
  CHECK(campaign.actual_cost().units() == 0);
  CHECK(campaign.actual_cost().currency_code() == "EUR");
  CHECK(!campaign.waves(0).has_release_time());
  CHECK(WaveIds(campaign) == Strings{"first-mailing", "banner"});
  CHECK(campaign.owner() == owner);
  CHECK(campaign.marketing_plan() == plan);
  CHECK(campaign.planned_budget().units() == 5000);
  CHECK(Same(desk.Get(campaign.name()), campaign));

  // A retry returns the same campaign and writes nothing; another request
  // with the same id is refused.
  mv1::Campaign again;
  REQUIRE(Outcome(desk.TryCreate(sent, &again, "c-1")) == "OK");
  CHECK(Same(again, campaign));
  CHECK(Outcome(desk.TryCreate(NewCampaign("Other", Next(5, 1), Next(5, 2)), nullptr, "c-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(desk.Names() == Strings{campaign.name()});
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", campaign.name(), " CreateCampaign c-1")});
  CHECK(Outcome(desk.TryGet("campaigns/nothing")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryGet("segments/x")) == "INVALID_ARGUMENT name");
}

TEST_CASE("campaigns: the owner is checked with partners, which must be up",
          "[marketing][campaign]") {
  Desk desk;
  const std::string dealer = desk.ChannelPartner("Händler AG");
  const int64_t head = desk.HeadSequence();
  mv1::Campaign campaign = NewCampaign("Dealers", Next(3, 1), Next(3, 31));
  campaign.set_owner("partners/nobody");
  CHECK(Outcome(desk.TryCreate(campaign)) == "NOT_FOUND");
  campaign.set_owner(dealer);
  CHECK(Verdict(desk.TryCreate(campaign)) == "FAILED_PRECONDITION NOT_EMPLOYEE campaign.owner");
  campaign.set_owner("nobody");
  CHECK(Outcome(desk.TryCreate(campaign)) == "INVALID_ARGUMENT campaign.owner");
  CHECK(desk.Names().empty());
  CHECK(desk.HeadSequence() == head);

  // The same on update.
  campaign.clear_owner();
  const mv1::Campaign created = desk.Create(campaign);
  mv1::Campaign patch = created;
  patch.set_owner(dealer);
  CHECK(Verdict(desk.TryUpdate(patch, {"owner"})) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE campaign.owner");
  patch.set_owner("partners/nobody");
  CHECK(Outcome(desk.TryUpdate(patch, {"owner"})) == "NOT_FOUND");
  CHECK(Same(desk.Get(created.name()), created));
  patch.set_owner(desk.Employee("Planer"));
  mv1::Campaign updated;
  REQUIRE(Outcome(desk.TryUpdate(patch, {"owner"}, &updated)) == "OK");
  CHECK(updated.owner() == patch.owner());

  // With partners down an owner cannot be checked: UNAVAILABLE, nothing
  // written; retries and campaigns without an owner need no partners.
  campaign.set_owner(updated.owner());
  mv1::Campaign first;
  REQUIRE(Outcome(desk.TryCreate(campaign, &first, "c-1")) == "OK");
  desk.StopPartners();
  desk.set_deadline_seconds(2);
  const int64_t before_stop = desk.HeadSequence();

  const grpc::Status down = desk.TryCreate(campaign, nullptr, "c-2");
  CHECK(Outcome(down) == "UNAVAILABLE");
  CHECK(absl::StrContains(down.error_message(), "partners"));
  patch = first;
  patch.set_display_name("Renamed");
  CHECK(Outcome(desk.TryUpdate(patch, {"display_name", "owner"})) == "UNAVAILABLE");
  CHECK(desk.Names().size() == 2);
  CHECK(Same(desk.Get(first.name()), first));
  CHECK(desk.HeadSequence() == before_stop);
  // A retry is answered without partners; no owner, no partners needed.
  mv1::Campaign again;
  CHECK(Outcome(desk.TryCreate(campaign, &again, "c-1")) == "OK");
  CHECK(Same(again, first));
  CHECK(Outcome(desk.TryUpdate(patch, {"display_name"})) == "OK");
  campaign.clear_owner();
  CHECK(Outcome(desk.TryCreate(campaign)) == "OK");
}

TEST_CASE("campaigns: bad campaigns and waves are refused naming the field",
          "[marketing][campaign]") {
  Desk desk;
  const int64_t head = desk.HeadSequence();
  using Spoil = std::function<void(mv1::Campaign*)>;
  const std::vector<std::pair<Spoil, std::string>> cases = {
      // Waves outside the campaign's dates (Mar 1 to Apr 30).
      {[](auto* c) { *c->mutable_waves(0)->mutable_start_date() = Next(2, 28); },
       "campaign.waves[0].start_date"},
      {[](auto* c) { *c->mutable_waves(1)->mutable_end_date() = Next(5, 1); },
       "campaign.waves[1].end_date"},
      {[](auto* c) {
         *c->mutable_waves(1)->mutable_start_date() = Next(2, 1);
         *c->mutable_waves(1)->mutable_end_date() = Next(5, 31);
       },
       "campaign.waves[1].start_date, campaign.waves[1].end_date"},
      {[](auto* c) { *c->mutable_end_date() = Next(4, 9); },
       "campaign.waves[1].end_date, campaign.waves[2].end_date"},
      {[](auto* c) { *c->mutable_waves(0)->mutable_end_date() = Next(2, 28); },
       "campaign.waves[0].end_date"},
      // Placeholders that do not exist.
      {[](auto* c) {
         c->mutable_waves(0)->mutable_message_template()->set_body("Hi {{first_name}}");
       },
       "campaign.waves[0].message_template.body"},
      {[](auto* c) {
         c->mutable_waves(0)->mutable_message_template()->set_subject("{{ discount }} off");
       },
       "campaign.waves[0].message_template.subject"},
      {[](auto* c) { c->mutable_waves(2)->set_call_script("Hello {{given_name"); },
       "campaign.waves[2].call_script"},
      // The rest of a campaign and its waves.
      {[](auto* c) { c->clear_display_name(); }, "campaign.display_name"},
      {[](auto* c) { *c->mutable_end_date() = Next(2, 1); },
       "campaign.end_date, campaign.waves[0].end_date, campaign.waves[1].end_date, "
       "campaign.waves[2].end_date"},
      {[](auto* c) { c->clear_currency_code(); }, "campaign.currency_code"},
      {[](auto* c) { *c->mutable_planned_budget() = Eur(-1); }, "campaign.planned_budget"},
      {[](auto* c) { c->mutable_planned_budget()->set_currency_code("USD"); },
       "campaign.planned_budget.currency_code"},
      {[](auto* c) { c->set_marketing_plan("plans/p"); }, "campaign.marketing_plan"},
      {[](auto* c) { c->mutable_waves(1)->set_wave_id("mailing"); }, "campaign.waves[1].wave_id"},
      {[](auto* c) { c->mutable_waves(0)->clear_channel(); }, "campaign.waves[0].channel"},
      {[](auto* c) { c->mutable_waves(1)->set_target_group("targetGroups/t"); },
       "campaign.waves[1].target_group"},
      {[](auto* c) { c->mutable_waves(2)->mutable_message_template()->set_body("Hello"); },
       "campaign.waves[2].message_template"},
      {[](auto* c) { c->mutable_waves(0)->set_call_script("Hello"); },
       "campaign.waves[0].call_script"},
  };
  auto good = [] {
    mv1::Campaign campaign = NewCampaign("Retention", Next(3, 1), Next(4, 30));
    *campaign.add_waves() = NewWave("mailing", mv1::CHANNEL_EMAIL, Next(3, 1), Next(3, 1));
    *campaign.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 10), Next(4, 10));
    *campaign.add_waves() = NewWave("calls", mv1::CHANNEL_PHONE, Next(4, 1), Next(4, 30));
    return campaign;
  };
  for (const auto& [spoil, fields] : cases) {
    INFO(fields);
    mv1::Campaign campaign = good();
    spoil(&campaign);
    CHECK(Outcome(desk.TryCreate(campaign)) == absl::StrCat("INVALID_ARGUMENT ", fields));
  }
  CHECK(Outcome(Try(desk.api(), &CampaignStub::CreateCampaign, mv1::CreateCampaignRequest())) ==
        "INVALID_ARGUMENT campaign");
  CHECK(desk.Names().empty());
  CHECK(desk.HeadSequence() == head);
  CHECK(Outcome(desk.TryCreate(good())) == "OK");
}

TEST_CASE("campaigns: the plan and the target groups named are checked", "[marketing][campaign]") {
  Desk desk;
  const std::string spring = desk.Plan(Next(1, 1), Next(6, 30));
  const std::string dollars = desk.Plan(Next(1, 1), Next(12, 31), "USD");
  const std::string by_mail = desk.TargetGroup(mv1::CHANNEL_EMAIL);
  const std::string by_phone = desk.TargetGroup(mv1::CHANNEL_PHONE);
  const int64_t head = desk.HeadSequence();

  CHECK(Outcome(desk.TryCreate(NewCampaign("C", Next(3, 1), Next(3, 31), dollars))) ==
        "INVALID_ARGUMENT campaign.currency_code");
  CHECK(Verdict(desk.TryCreate(NewCampaign("C", Next(6, 1), Next(7, 1), spring))) ==
        "FAILED_PRECONDITION OUTSIDE_PLAN campaign.start_date");
  CHECK(Outcome(desk.TryCreate(NewCampaign("C", Next(3, 1), Next(3, 31), "marketingPlans/x"))) ==
        "NOT_FOUND");
  mv1::Campaign campaign = NewCampaign("C", Next(3, 1), Next(3, 31), spring);
  *campaign.add_waves() = NewWave("calls", mv1::CHANNEL_PHONE, Next(3, 1), Next(3, 9), by_phone);
  *campaign.add_waves() = NewWave("mails", mv1::CHANNEL_EMAIL, Next(3, 10), Next(3, 20), by_mail);
  campaign.mutable_waves(1)->set_target_group("targetGroups/nothing");
  const grpc::Status unknown = desk.TryCreate(campaign);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "targetGroups/nothing");
  campaign.mutable_waves(1)->set_target_group(by_phone);
  CHECK(Verdict(desk.TryCreate(campaign)) ==
        "FAILED_PRECONDITION CHANNEL_MISMATCH campaign.waves[1].target_group");
  CHECK(desk.Names().empty());
  CHECK(desk.HeadSequence() == head);

  campaign.mutable_waves(1)->set_target_group(by_mail);
  const mv1::Campaign created = desk.Create(campaign);
  CHECK(created.waves(1).target_group() == by_mail);
  // The same checks on update.
  mv1::Campaign patch = created;
  patch.mutable_waves(0)->set_target_group(by_mail);
  CHECK(Verdict(desk.TryUpdate(patch, {"waves"})) ==
        "FAILED_PRECONDITION CHANNEL_MISMATCH campaign.waves[0].target_group");
  patch = created;
  patch.set_marketing_plan(dollars);
  CHECK(Outcome(desk.TryUpdate(patch, {"marketing_plan"})) ==
        "INVALID_ARGUMENT campaign.currency_code");
  patch = created;
  *patch.mutable_end_date() = Next(7, 31);
  CHECK(Verdict(desk.TryUpdate(patch, {"end_date"})) ==
        "FAILED_PRECONDITION OUTSIDE_PLAN campaign.start_date");
  CHECK(Same(desk.Get(created.name()), created));
}

TEST_CASE("campaigns: ListCampaigns lists latest start first, by state and plan, paged",
          "[marketing][campaign]") {
  Desk desk;
  const std::string plan = desk.Plan(Next(1, 1), Next(6, 30));
  mv1::Campaign web = NewCampaign("B", Next(5, 1), Next(5, 31), plan);
  *web.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(5, 1), Next(5, 31));
  const std::string a = desk.Create(NewCampaign("A", Next(3, 1), Next(3, 31), plan)).name();
  const std::string b = desk.Create(web).name();
  const std::string c = desk.Create(NewCampaign("C", Next(7, 1), Next(7, 31))).name();
  desk.Act(&CampaignStub::ReleaseCampaign, b);

  CHECK(desk.Names() == Strings{c, b, a});
  CHECK(desk.Names(Quoted("marketing_plan", plan)) == Strings{b, a});
  CHECK(desk.Names("state = CAMPAIGN_STATE_RELEASED") == Strings{b});
  CHECK(desk.Names("state = PLANNED") == Strings{c, a});
  CHECK(desk.Names(absl::StrCat("start_date >= \"", Iso(Next(5, 1)), "\"")) == Strings{c, b});
  int pages = 0;
  CHECK(desk.Names("", 2, &pages) == Strings{c, b, a});
  CHECK(pages == 2);
  CHECK(desk.Names("", 1, &pages) == Strings{c, b, a});
  CHECK(pages == 3);

  mv1::ListCampaignsRequest request;
  request.set_page_size(1);
  const auto first = MustCall(desk.api(), &CampaignStub::ListCampaigns, request);
  CHECK(Same(first.campaigns(0), desk.Get(c)));
  request.set_page_token(first.next_page_token());
  request.set_filter("state = PLANNED");
  CHECK(Outcome(Try(desk.api(), &CampaignStub::ListCampaigns, request)) ==
        "INVALID_ARGUMENT page_token");
  request.set_page_token("");
  request.set_filter("state = LAUNCHED");
  CHECK(Outcome(Try(desk.api(), &CampaignStub::ListCampaigns, request)) ==
        "INVALID_ARGUMENT filter");
}

TEST_CASE("campaigns: UpdateCampaign changes the masked fields, waves as a whole",
          "[marketing][campaign]") {
  Desk desk;
  mv1::Campaign sent = NewCampaign("Retention", Next(3, 1), Next(4, 30));
  *sent.add_waves() = NewWave("mailing", mv1::CHANNEL_MAIL, Next(3, 1), Next(3, 10));
  *sent.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 5), Next(4, 30));
  const mv1::Campaign campaign = desk.Create(sent);
  const int64_t head = desk.HeadSequence();

  mv1::Campaign patch = campaign;
  patch.set_display_name("Retention spring");
  patch.set_description("not in the mask");
  patch.clear_waves();
  *patch.add_waves() = NewWave("sms", mv1::CHANNEL_SMS, Next(4, 1), Next(4, 2));
  mv1::Campaign updated;
  REQUIRE(Outcome(desk.TryUpdate(patch, {"display_name", "waves"}, &updated)) == "OK");
  CHECK(updated.display_name() == "Retention spring");
  CHECK(updated.description() == campaign.description());
  CHECK(WaveIds(updated) == Strings{"sms"});
  CHECK(Same(updated.waves(0), patch.waves(0)));
  CHECK(updated.etag() != campaign.etag());
  CHECK(updated.state() == mv1::CAMPAIGN_STATE_PLANNED);
  CHECK(Same(desk.Get(campaign.name()), updated));
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", campaign.name(), " UpdateCampaign ")});

  // Refused: nothing changes.
  patch = campaign;  // with the etag read before the update
  patch.set_display_name("Lost update");
  CHECK(Outcome(desk.TryUpdate(patch, {"display_name"})) == "ABORTED");
  patch = updated;
  patch.set_currency_code("USD");
  patch.set_state(mv1::CAMPAIGN_STATE_RUNNING);
  for (const std::string path : {"currency_code", "state", "actual_cost", "copied_from", "name"}) {
    INFO(path);
    CHECK(Outcome(desk.TryUpdate(patch, {path})) == "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(desk.TryUpdate(patch, {})) == "INVALID_ARGUMENT update_mask");
  patch = updated;
  *patch.mutable_end_date() = Next(4, 1);
  CHECK(Outcome(desk.TryUpdate(patch, {"end_date"})) ==
        "INVALID_ARGUMENT campaign.waves[0].end_date");
  patch = updated;
  *patch.mutable_waves(0)->mutable_start_date() = Next(2, 1);
  CHECK(Outcome(desk.TryUpdate(patch, {"waves"})) ==
        "INVALID_ARGUMENT campaign.waves[0].start_date");
  patch.set_name("campaigns/nothing");
  CHECK(Outcome(desk.TryUpdate(patch, {"display_name"})) == "NOT_FOUND");
  CHECK(Same(desk.Get(campaign.name()), updated));
  CHECK(desk.DescribeChangesAfter(head).size() == 1);
}

TEST_CASE("campaigns: only a planned campaign without cost items can be deleted",
          "[marketing][campaign]") {
  Desk desk;
  const mv1::Campaign planned = desk.Create(NewCampaign("P", Next(3, 1), Next(3, 31)));
  const std::string cost = desk.AddCost(planned.name(), 120);
  CHECK(Verdict(desk.TryDelete(planned.name())) ==
        absl::StrCat("FAILED_PRECONDITION IN_USE ", planned.name()));
  const mv1::Campaign kept = desk.Get(planned.name());
  CHECK(kept.etag() == planned.etag());
  CHECK(Text(kept.actual_cost()) == "EUR 120.00");
  REQUIRE(Outcome(desk.TryDeleteCost(cost)) == "OK");
  CHECK(Outcome(desk.TryDelete(planned.name(), "\"42\"")) == "ABORTED");
  CHECK(Same(desk.Get(planned.name()), planned));
  const int64_t head = desk.HeadSequence();
  CHECK(Outcome(desk.TryDelete(planned.name(), planned.etag())) == "OK");
  CHECK(Outcome(desk.TryGet(planned.name())) == "NOT_FOUND");
  CHECK(Outcome(desk.TryDelete(planned.name())) == "NOT_FOUND");
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", planned.name(), " DeleteCampaign ")});

  mv1::Campaign web = NewCampaign("W", Next(3, 1), Next(3, 31));
  *web.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 1), Next(3, 31));
  const mv1::Campaign released = desk.Act(&CampaignStub::ReleaseCampaign, desk.Create(web).name());
  CHECK(Verdict(desk.TryDelete(released.name())) ==
        absl::StrCat("FAILED_PRECONDITION CAMPAIGN_STATE ", released.name()));
  CHECK(Same(desk.Get(released.name()), released));
}

TEST_CASE("campaigns: CopyCampaign plans the campaign again, moved by the days between starts",
          "[marketing][campaign]") {
  Desk desk;
  const std::string plan = desk.Plan(Next(1, 1), Next(9, 30));
  mv1::Campaign sent = NewCampaign("Spring", Next(3, 1), Next(4, 30), plan);
  sent.set_owner(desk.Employee("Planer"));
  *sent.add_waves() = NewWave("teaser", mv1::CHANNEL_WEB, Next(3, 10), Next(3, 20));
  *sent.add_waves() = NewWave("banner", mv1::CHANNEL_WEB, Next(3, 25), Next(4, 5));
  const std::string source = desk.Create(sent).name();
  desk.Act(&CampaignStub::ReleaseCampaign, source);
  desk.Act(&CampaignStub::StartCampaign, source);
  desk.AddCost(source, 300);
  const mv1::Campaign before = desk.Get(source);
  const int64_t head = desk.HeadSequence();

  mv1::Campaign copy;
  REQUIRE(Outcome(desk.TryCopy(source, "Summer", Next(6, 1), "copy-1", &copy)) == "OK");
  CHECK(copy.name() != source);
  CHECK(copy.display_name() == "Summer");
  CHECK(copy.state() == mv1::CAMPAIGN_STATE_PLANNED);
  CHECK(copy.copied_from() == source);
  CHECK(copy.marketing_plan() == plan);
  CHECK(copy.owner() == sent.owner());
  CHECK(copy.description() == sent.description());
  CHECK(copy.planned_budget().units() == 5000);
  CHECK(copy.actual_cost().units() == 0);
  // 1 March to 1 June: 92 days later.
  CHECK(Iso(copy.start_date()) == Iso(Next(6, 1)));
  CHECK(Iso(copy.end_date()) == Iso(Next(7, 31)));
  REQUIRE(WaveIds(copy) == Strings{"teaser", "banner"});
  CHECK(Iso(copy.waves(0).start_date()) == Iso(Next(6, 10)));
  CHECK(Iso(copy.waves(0).end_date()) == Iso(Next(6, 20)));
  CHECK(Iso(copy.waves(1).start_date()) == Iso(Next(6, 25)));
  CHECK(Iso(copy.waves(1).end_date()) == Iso(Next(7, 6)));
  CHECK(copy.waves(1).display_name() == "Wave banner");
  CHECK(!copy.waves(0).has_release_time());
  CHECK(Same(desk.Get(copy.name()), copy));
  CHECK(Same(desk.Get(source), before));
  CHECK(desk.Totals(plan) == "EUR 100000.00 / EUR 10000.00 / EUR 300.00");

  // A retry gives the same copy.
  mv1::Campaign again;
  REQUIRE(Outcome(desk.TryCopy(source, "Summer", Next(6, 1), "copy-1", &again)) == "OK");
  CHECK(Same(again, copy));
  CHECK(desk.Names(Quoted("copied_from", source)) == Strings{copy.name()});
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", copy.name(), " CopyCampaign copy-1")});

  // Refused, nothing written.
  CHECK(Outcome(desk.TryCopy("campaigns/nothing", "Summer", Next(6, 1))) == "NOT_FOUND");
  CHECK(Outcome(desk.TryCopy(source, "", Next(6, 1))) == "INVALID_ARGUMENT display_name");
  CHECK(Outcome(desk.TryCopy(source, "Summer", Date())) == "INVALID_ARGUMENT start_date");
  CHECK(Outcome(desk.TryCopy("plans/x", "", Date())) ==
        "INVALID_ARGUMENT name, display_name, start_date");
  CHECK(Verdict(desk.TryCopy(source, "Autumn", Next(9, 1))) ==
        "FAILED_PRECONDITION OUTSIDE_PLAN campaign.start_date");
  CHECK(Outcome(desk.TryCopy(source, "Other", Next(6, 2), "copy-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(desk.HeadSequence() == head + 1);
  CHECK(Same(desk.Get(source), before));
}

TEST_CASE("campaigns: the calendar lists overlapping campaigns, each followed by its waves",
          "[marketing][campaign][calendar]") {
  Desk desk;
  const std::string plan = desk.Plan(Next(1, 1), Next(12, 31));
  mv1::Campaign a = NewCampaign("A", Next(3, 1), Next(3, 31));
  *a.add_waves() = NewWave("a1", mv1::CHANNEL_EMAIL, Next(3, 20), Next(3, 25));
  *a.add_waves() = NewWave("a2", mv1::CHANNEL_WEB, Next(3, 5), Next(3, 10));
  *a.add_waves() = NewWave("a3", mv1::CHANNEL_SMS, Next(3, 28), Next(3, 31));
  mv1::Campaign b = NewCampaign("B", Next(2, 15), Next(4, 15));
  *b.add_waves() = NewWave("b1", mv1::CHANNEL_MAIL, Next(2, 15), Next(2, 20));
  *b.add_waves() = NewWave("b2", mv1::CHANNEL_PHONE, Next(3, 30), Next(4, 10));
  mv1::Campaign d = NewCampaign("D", Next(3, 10), Next(3, 20), plan);
  *d.add_waves() = NewWave("d1", mv1::CHANNEL_WEB, Next(3, 12), Next(3, 14));
  // F starts with A: the two are ordered by name.
  mv1::Campaign f = NewCampaign("F", Next(3, 1), Next(3, 5));
  *f.add_waves() = NewWave("f1", mv1::CHANNEL_WEB, Next(3, 2), Next(3, 3));
  *f.add_waves() = NewWave("f2", mv1::CHANNEL_WEB, Next(3, 1), Next(3, 1));
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> names;
  for (const mv1::Campaign* campaign : {&a, &b, &d, &f}) {
    names[campaign->display_name()] = desk.Create(*campaign).name();
    labels[names[campaign->display_name()]] = campaign->display_name();
  }
  desk.Create(NewCampaign("E", Next(4, 16), Next(5, 31)));  // after March
  labels[desk.Create(NewCampaign("C", Next(1, 1), Next(2, 28), plan)).name()] = "C";

  Strings march = {"B", "B/b2"};
  Strings block_a = {"A", "A/a2", "A/a1", "A/a3"}, block_f = {"F", "F/f2", "F/f1"};
  if (names["F"] < names["A"]) std::swap(block_a, block_f);
  march.insert(march.end(), block_a.begin(), block_a.end());
  march.insert(march.end(), block_f.begin(), block_f.end());
  march.insert(march.end(), {"D", "D/d1"});
  const auto entries = desk.Calendar(Next(3, 1), Next(3, 31));
  CHECK(Describe(entries, labels) == march);
  REQUIRE(entries.size() == 11);
  CHECK(entries[0].display_name() == "B");
  CHECK(entries[0].channel() == mv1::CHANNEL_UNSPECIFIED);
  CHECK(Iso(entries[0].start_date()) == Iso(Next(2, 15)));
  CHECK(Iso(entries[0].end_date()) == Iso(Next(4, 15)));
  CHECK(entries[1].campaign() == entries[0].campaign());
  CHECK(entries[1].display_name() == "Wave b2");
  CHECK(entries[1].channel() == mv1::CHANNEL_PHONE);
  CHECK(Iso(entries[1].end_date()) == Iso(Next(4, 10)));
  CHECK(entries[1].state() == mv1::CAMPAIGN_STATE_PLANNED);
  CHECK(entries[9].marketing_plan() == plan);
  CHECK(entries[10].marketing_plan() == plan);
  CHECK(entries[8].marketing_plan().empty());
  CHECK(Describe(desk.Calendar(Next(3, 1), Next(3, 31), plan), labels) == Strings{"D", "D/d1"});
  CHECK(Describe(desk.Calendar(Next(2, 16), Next(2, 28), plan), labels) == Strings{"C"});
  CHECK(Describe(desk.Calendar(Next(3, 11), Next(3, 11)), labels) == Strings{"B", "A", "D"});
  CHECK(desk.Calendar(Next(6, 1), Next(12, 31)).empty());

  // Any page size gives every entry once, in order, waves split across pages.
  for (int size = 1; size <= 12; ++size) {
    INFO("page size " << size);
    int pages = 0;
    CHECK(Describe(desk.Calendar(Next(3, 1), Next(3, 31), "", size, &pages), labels) == march);
    CHECK(pages == (11 + size - 1) / size);
  }

  mv1::ListCalendarEntriesRequest request;
  *request.mutable_start_date() = Next(3, 1);
  *request.mutable_end_date() = Next(3, 31);
  request.set_page_size(3);
  mv1::ListCalendarEntriesResponse page;
  REQUIRE(Outcome(desk.TryCalendar(request, &page)) == "OK");
  request.set_page_token(page.next_page_token());
  *request.mutable_end_date() = Next(4, 30);
  CHECK(Outcome(desk.TryCalendar(request)) == "INVALID_ARGUMENT page_token");
  request.clear_page_token();
  *request.mutable_end_date() = Next(2, 28);
  CHECK(Outcome(desk.TryCalendar(request)) == "INVALID_ARGUMENT end_date");
  *request.mutable_end_date() = MakeDate(kYear + 3, 4, 1);
  CHECK(Outcome(desk.TryCalendar(request)) == "INVALID_ARGUMENT end_date");
  *request.mutable_end_date() = MakeDate(kYear + 3, 3, 1);
  CHECK(Outcome(desk.TryCalendar(request)) == "OK");  // exactly three years
  request.clear_start_date();
  CHECK(Outcome(desk.TryCalendar(request)) == "INVALID_ARGUMENT start_date");
  *request.mutable_start_date() = Next(3, 1);
  request.set_marketing_plan("plans/x");
  CHECK(Outcome(desk.TryCalendar(request)) == "INVALID_ARGUMENT marketing_plan");
}

TEST_CASE("campaigns: the calendar takes a period of at most three years",
          "[marketing][campaign][calendar]") {
  Desk desk;
  auto outcome = [&](const Date& start, const Date& end) {
    mv1::ListCalendarEntriesRequest request;
    *request.mutable_start_date() = start;
    *request.mutable_end_date() = end;
    return Outcome(desk.TryCalendar(request));
  };
  const std::string too_long = "INVALID_ARGUMENT end_date";
  CHECK(outcome(MakeDate(kYear, 1, 1), MakeDate(kYear + 3, 1, 1)) == "OK");
  // Three years and a day, and three years and two days: "at most 3 years".
  CHECK(outcome(MakeDate(kYear, 1, 1), MakeDate(kYear + 3, 1, 2)) == too_long);
  CHECK(outcome(MakeDate(kYear, 1, 1), MakeDate(kYear + 3, 1, 3)) == too_long);
  CHECK(outcome(MakeDate(kYear, 7, 15), MakeDate(kYear + 3, 7, 15)) == "OK");
  CHECK(outcome(MakeDate(kYear, 7, 15), MakeDate(kYear + 3, 7, 16)) == too_long);
  // From 29 February, three years on is 1 March.
  int leap = kYear;
  while (!(leap % 4 == 0 && (leap % 100 != 0 || leap % 400 == 0))) ++leap;
  CHECK(outcome(MakeDate(leap, 2, 29), MakeDate(leap + 3, 3, 1)) == "OK");
  CHECK(outcome(MakeDate(leap, 2, 29), MakeDate(leap + 3, 3, 2)) == too_long);
}

}  // namespace crm::marketing::testing
