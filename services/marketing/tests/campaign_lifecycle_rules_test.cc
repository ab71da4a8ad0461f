// The lifecycle rules of campaigns: ChangeCampaignState for every action
// from every state and CheckWavesReady; CheckCampaignChange (what is fixed
// once released); CopyOfCampaign (dates moved by whole days, nothing of the
// execution); CalendarEntries (inclusive overlap, campaign first, waves by
// start).
#include <catch2/catch.hpp>

#include "services/marketing/tests/campaign_rules_samples.h"

namespace crm::marketing::campaign_rules_testing {

// ---------------------------------------------------------------------------
// ChangeCampaignState and CheckWavesReady

TEST_CASE("campaign rules: every action from every state", "[marketing][campaign]") {
  const std::vector<v1::CampaignState> from = {
      v1::CAMPAIGN_STATE_UNSPECIFIED, v1::CAMPAIGN_STATE_PLANNED, v1::CAMPAIGN_STATE_RELEASED,
      v1::CAMPAIGN_STATE_RUNNING,     v1::CAMPAIGN_STATE_PAUSED,  v1::CAMPAIGN_STATE_FINISHED};
  // The state each action leads to from each state of `from`; 0: refused.
  const std::vector<std::pair<CampaignAction, std::vector<int>>> table = {
      {CampaignAction::kRelease, {0, 2, 0, 0, 0, 0}},
      {CampaignAction::kStart, {0, 0, 3, 0, 0, 0}},
      {CampaignAction::kPause, {0, 0, 0, 4, 0, 0}},
      {CampaignAction::kResume, {0, 0, 0, 0, 3, 0}},
      {CampaignAction::kFinish, {0, 0, 5, 5, 5, 0}}};
  for (const auto& [action, to] : table) {
    for (size_t i = 0; i < from.size(); ++i) {
      INFO("action " << static_cast<int>(action) << " from " << v1::CampaignState_Name(from[i]));
      v1::Campaign campaign = InState(from[i]);
      const std::string verdict = Verdict(ChangeCampaignState(&campaign, action));
      if (to[i] != 0) {
        CHECK(verdict == "OK");
        CHECK(campaign.state() == to[i]);
      } else {
        CHECK(verdict == "CAMPAIGN_STATE campaigns/autumn");
        CHECK(campaign.state() == from[i]);
      }
    }
  }
  // E.g. releasing a finished campaign, with its state in the message.
  v1::Campaign finished = InState(v1::CAMPAIGN_STATE_FINISHED);
  const absl::Status status = ChangeCampaignState(&finished, CampaignAction::kRelease);
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Verdict(status) == "CAMPAIGN_STATE campaigns/autumn");
  CHECK(status.message() ==
        "campaigns/autumn: is finished; only a planned campaign can be released");
}

TEST_CASE("campaign rules: releasing needs every wave ready", "[marketing][campaign]") {
  CHECK(Verdict(CheckWavesReady(Autumn())) == "OK");  // the web wave needs no target group
  v1::Campaign c = Autumn();
  c.clear_waves();
  CHECK(Verdict(CheckWavesReady(c)) == "WAVE_NOT_READY waves");
  auto ready = [](int wave, auto change) {
    v1::Campaign campaign = Autumn();
    change(campaign.mutable_waves(wave));
    return Verdict(CheckWavesReady(campaign));
  };
  CHECK(ready(0, [](auto* w) { w->clear_target_group(); }) ==
        "WAVE_NOT_READY waves[0].target_group");
  CHECK(ready(0, [](auto* w) { w->mutable_message_template()->clear_subject(); }) ==
        "WAVE_NOT_READY waves[0].message_template.subject");
  CHECK(ready(0, [](auto* w) { w->mutable_message_template()->clear_body(); }) ==
        "WAVE_NOT_READY waves[0].message_template.body");
  CHECK(ready(1, [](auto* w) { w->clear_call_script(); }) == "WAVE_NOT_READY waves[1].call_script");
  CHECK(ready(2, [](auto* w) { w->clear_message_template(); }) ==
        "WAVE_NOT_READY waves[2].message_template.body");
  CHECK(ready(3, [](auto* w) { w->mutable_message_template()->clear_body(); }) ==
        "WAVE_NOT_READY waves[3].message_template.body");
  CHECK(ready(3, [](auto* w) { w->clear_target_group(); }) ==
        "WAVE_NOT_READY waves[3].target_group");
  // The first wave not ready is named.
  c = Autumn();
  c.mutable_waves(3)->mutable_message_template()->clear_body();
  c.mutable_waves(1)->clear_target_group();
  CHECK(Verdict(CheckWavesReady(c)) == "WAVE_NOT_READY waves[1].target_group");

  // Release refuses and leaves the campaign planned.
  const absl::Status status = ChangeCampaignState(&c, CampaignAction::kRelease);
  CHECK(Verdict(status) == "WAVE_NOT_READY waves[1].target_group");
  CHECK(absl::StrContains(status.message(), "\"calls\""));
  CHECK(c.state() == v1::CAMPAIGN_STATE_PLANNED);

  // A campaign of web waves only needs neither target groups nor texts.
  v1::Campaign web = Autumn();
  web.clear_waves();
  *web.add_waves() =
      MakeWave("banner", v1::CHANNEL_WEB, MakeDate(2027, 9, 1), MakeDate(2027, 9, 30));
  CHECK(Verdict(ChangeCampaignState(&web, CampaignAction::kRelease)) == "OK");
  CHECK(web.state() == v1::CAMPAIGN_STATE_RELEASED);
}

// ---------------------------------------------------------------------------
// CheckCampaignChange

TEST_CASE("campaign rules: once released the start and the plan are fixed",
          "[marketing][campaign]") {
  for (v1::CampaignState state :
       {v1::CAMPAIGN_STATE_RELEASED, v1::CAMPAIGN_STATE_RUNNING, v1::CAMPAIGN_STATE_PAUSED}) {
    INFO(v1::CampaignState_Name(state));
    const v1::Campaign before = InState(state);
    CHECK(Verdict(CheckCampaignChange(before, before)) == "OK");

    v1::Campaign start = before;
    *start.mutable_start_date() = MakeDate(2027, 9, 2);
    const absl::Status moved = CheckCampaignChange(before, start);
    CHECK(Verdict(moved) == "CAMPAIGN_STATE campaigns/autumn");
    CHECK(absl::StrContains(moved.message(), "start_date"));

    v1::Campaign plan = before;
    plan.set_marketing_plan("marketingPlans/other");
    const absl::Status replanned = CheckCampaignChange(before, plan);
    CHECK(Verdict(replanned) == "CAMPAIGN_STATE campaigns/autumn");
    CHECK(absl::StrContains(replanned.message(), "marketing_plan"));
    plan.clear_marketing_plan();
    CHECK(Verdict(CheckCampaignChange(before, plan)) == "CAMPAIGN_STATE campaigns/autumn");

    v1::Campaign texts = before;
    texts.set_display_name("Renamed");
    texts.set_description("New text");
    texts.set_owner("partners/bob");
    *texts.mutable_end_date() = MakeDate(2027, 12, 31);
    *texts.mutable_planned_budget() = Eur(30000);
    CHECK(Verdict(CheckCampaignChange(before, texts)) == "OK");
  }
}

TEST_CASE("campaign rules: released waves are fixed, unreleased ones may change",
          "[marketing][campaign]") {
  v1::Campaign before = InState(v1::CAMPAIGN_STATE_RUNNING);
  before.mutable_waves(0)->mutable_release_time()->set_seconds(1820000000);

  v1::Campaign unreleased = before;
  unreleased.mutable_waves(1)->set_call_script("New script for {{given_name}}");
  unreleased.mutable_waves(2)->set_display_name("Renamed letters");
  unreleased.mutable_waves()->DeleteSubrange(3, 1);
  *unreleased.add_waves() =
      MakeWave("reminder", v1::CHANNEL_EMAIL, MakeDate(2027, 11, 1), MakeDate(2027, 11, 2));
  CHECK(Verdict(CheckCampaignChange(before, unreleased)) == "OK");

  v1::Campaign reordered = before;
  reordered.mutable_waves()->SwapElements(0, 4);
  CHECK(Verdict(CheckCampaignChange(before, reordered)) == "OK");

  v1::Campaign changed = before;
  changed.mutable_waves(0)->mutable_message_template()->set_subject("Other subject");
  const absl::Status change = CheckCampaignChange(before, changed);
  CHECK(Verdict(change) == "CAMPAIGN_STATE campaigns/autumn");
  CHECK(absl::StrContains(change.message(), "\"mailing\" cannot change"));

  v1::Campaign removed = before;
  removed.mutable_waves()->DeleteSubrange(0, 1);
  const absl::Status removal = CheckCampaignChange(before, removed);
  CHECK(Verdict(removal) == "CAMPAIGN_STATE campaigns/autumn");
  CHECK(absl::StrContains(removal.message(), "\"mailing\" cannot be removed"));
}

TEST_CASE("campaign rules: a planned campaign may change anything, a finished one nothing",
          "[marketing][campaign]") {
  const v1::Campaign planned = InState(v1::CAMPAIGN_STATE_PLANNED);
  v1::Campaign after = planned;
  *after.mutable_start_date() = MakeDate(2027, 8, 1);
  after.set_marketing_plan("marketingPlans/other");
  after.set_currency_code("USD");
  after.clear_waves();
  CHECK(Verdict(CheckCampaignChange(planned, after)) == "OK");

  const v1::Campaign finished = InState(v1::CAMPAIGN_STATE_FINISHED);
  CHECK(Verdict(CheckCampaignChange(finished, finished)) == "CAMPAIGN_STATE campaigns/autumn");
  v1::Campaign renamed = finished;
  renamed.set_description("post mortem");
  CHECK(Verdict(CheckCampaignChange(finished, renamed)) == "CAMPAIGN_STATE campaigns/autumn");
}

// ---------------------------------------------------------------------------
// CopyOfCampaign

TEST_CASE("campaign rules: a copy is planned and carries nothing of the execution",
          "[marketing][campaign]") {
  v1::Campaign source = InState(v1::CAMPAIGN_STATE_RUNNING);
  source.set_etag("\"7\"");
  *source.mutable_actual_cost() = Eur(1234);
  source.mutable_create_time()->set_seconds(1800000000);
  source.mutable_update_time()->set_seconds(1810000000);
  source.set_copied_from("campaigns/older");
  for (v1::Wave& wave : *source.mutable_waves()) wave.mutable_release_time()->set_seconds(1);
  const v1::Campaign before = source;

  const v1::Campaign copy = CopyOfCampaign(source, "Retention autumn 2028", MakeDate(2027, 9, 8));
  CHECK(source.SerializeAsString() == before.SerializeAsString());
  CHECK(copy.name().empty());
  CHECK(copy.etag().empty());
  CHECK_FALSE(copy.has_actual_cost());
  CHECK_FALSE(copy.has_create_time());
  CHECK_FALSE(copy.has_update_time());
  CHECK(copy.state() == v1::CAMPAIGN_STATE_PLANNED);
  CHECK(copy.copied_from() == "campaigns/autumn");
  CHECK(copy.display_name() == "Retention autumn 2028");
  CHECK(copy.description() == source.description());
  CHECK(copy.marketing_plan() == "marketingPlans/plan-2027");
  CHECK(copy.owner() == "partners/ann");
  CHECK(copy.currency_code() == "EUR");
  CHECK(copy.planned_budget().units() == 25000);
  REQUIRE(copy.waves_size() == 5);
  for (int i = 0; i < copy.waves_size(); ++i) {
    INFO("wave " << i);
    CHECK_FALSE(copy.waves(i).has_release_time());
    CHECK(copy.waves(i).wave_id() == source.waves(i).wave_id());
    CHECK(copy.waves(i).target_group() == source.waves(i).target_group());
    CHECK(copy.waves(i).message_template().SerializeAsString() ==
          source.waves(i).message_template().SerializeAsString());
  }
  // Seven days later, each date.
  CHECK(Dates(copy) ==
        "2027-9-8..2027-12-7, mailing 2027-9-8..2027-9-21, calls 2027-9-22..2027-10-22, "
        "letters 2027-10-8..2027-11-7, texts 2027-11-8..2027-12-7, banner 2027-9-8..2027-12-7");
  CHECK(CampaignFields(copy).empty());
}

TEST_CASE("campaign rules: a copy moves every date by the same days across leap days and years",
          "[marketing][campaign]") {
  v1::Campaign source = Autumn();
  *source.mutable_start_date() = MakeDate(2024, 2, 27);
  *source.mutable_end_date() = MakeDate(2024, 3, 2);
  source.clear_waves();
  *source.add_waves() =
      MakeWave("late", v1::CHANNEL_EMAIL, MakeDate(2024, 2, 28), MakeDate(2024, 2, 29));
  *source.add_waves() =
      MakeWave("early", v1::CHANNEL_SMS, MakeDate(2024, 2, 27), MakeDate(2024, 2, 28));

  CHECK(Dates(CopyOfCampaign(source, "Next day", MakeDate(2024, 2, 28))) ==
        "2024-2-28..2024-3-3, late 2024-2-29..2024-3-1, early 2024-2-28..2024-2-29");
  // Back by 366 days: 2023 has no 29 February, so the days keep their distance.
  CHECK(Dates(CopyOfCampaign(source, "Year before", MakeDate(2023, 2, 26))) ==
        "2023-2-26..2023-3-2, late 2023-2-27..2023-2-28, early 2023-2-26..2023-2-27");

  // Over the year end, forwards and back.
  v1::Campaign winter = Autumn();
  *winter.mutable_start_date() = MakeDate(2025, 12, 20);
  *winter.mutable_end_date() = MakeDate(2026, 1, 10);
  winter.clear_waves();
  *winter.add_waves() =
      MakeWave("xmas", v1::CHANNEL_MAIL, MakeDate(2025, 12, 28), MakeDate(2025, 12, 31));
  CHECK(Dates(CopyOfCampaign(winter, "Later", MakeDate(2025, 12, 25))) ==
        "2025-12-25..2026-1-15, xmas 2026-1-2..2026-1-5");
  CHECK(Dates(CopyOfCampaign(winter, "Earlier", MakeDate(2025, 11, 30))) ==
        "2025-11-30..2025-12-21, xmas 2025-12-8..2025-12-11");
}

// ---------------------------------------------------------------------------
// CalendarEntries

namespace {

// Waves given out of date order: a 10-01..10-31, b 09-01..09-14,
// c 09-15..10-15, d 11-01..11-30, e 09-01..09-03.
v1::Campaign Calendar() {
  v1::Campaign c = Autumn();
  c.set_state(v1::CAMPAIGN_STATE_RUNNING);
  c.clear_waves();
  *c.add_waves() = MakeWave("a", v1::CHANNEL_MAIL, MakeDate(2027, 10, 1), MakeDate(2027, 10, 31));
  *c.add_waves() = MakeWave("b", v1::CHANNEL_EMAIL, MakeDate(2027, 9, 1), MakeDate(2027, 9, 14));
  *c.add_waves() = MakeWave("c", v1::CHANNEL_PHONE, MakeDate(2027, 9, 15), MakeDate(2027, 10, 15));
  *c.add_waves() = MakeWave("d", v1::CHANNEL_SMS, MakeDate(2027, 11, 1), MakeDate(2027, 11, 30));
  *c.add_waves() = MakeWave("e", v1::CHANNEL_WEB, MakeDate(2027, 9, 1), MakeDate(2027, 9, 3));
  return c;
}

Strings Ids(const std::vector<v1::CalendarEntry>& entries) {
  Strings ids;
  for (const v1::CalendarEntry& e : entries) ids.push_back(e.wave_id().empty() ? "*" : e.wave_id());
  return ids;
}

Strings IdsIn(const google::type::Date& start, const google::type::Date& end) {
  return Ids(CalendarEntries(Calendar(), start, end));
}

}  // namespace

TEST_CASE("campaign rules: calendar entries overlap the range, edges included",
          "[marketing][campaign]") {
  CHECK(IdsIn(MakeDate(2027, 8, 1), MakeDate(2027, 8, 31)).empty());
  CHECK(IdsIn(MakeDate(2027, 12, 1), MakeDate(2027, 12, 31)).empty());
  CHECK(IdsIn(MakeDate(2027, 8, 1), MakeDate(2027, 9, 1)) == Strings{"*", "b", "e"});
  CHECK(IdsIn(MakeDate(2027, 11, 30), MakeDate(2027, 12, 31)) == Strings{"*", "d"});
  CHECK(IdsIn(MakeDate(2027, 9, 14), MakeDate(2027, 9, 15)) == Strings{"*", "b", "c"});
  CHECK(IdsIn(MakeDate(2027, 9, 4), MakeDate(2027, 9, 4)) == Strings{"*", "b"});
  CHECK(IdsIn(MakeDate(2027, 10, 16), MakeDate(2027, 10, 31)) == Strings{"*", "a"});
  CHECK(IdsIn(MakeDate(2027, 9, 1), MakeDate(2027, 11, 30)) ==
        Strings{"*", "b", "e", "c", "a", "d"});
  CHECK(IdsIn(MakeDate(2020, 1, 1), MakeDate(2030, 1, 1)) == Strings{"*", "b", "e", "c", "a", "d"});
}

TEST_CASE("campaign rules: calendar entries describe the campaign and the waves",
          "[marketing][campaign]") {
  const std::vector<v1::CalendarEntry> entries =
      CalendarEntries(Calendar(), MakeDate(2027, 9, 15), MakeDate(2027, 9, 15));
  auto describe = [](const v1::CalendarEntry& e) {
    return absl::StrCat(e.campaign(), " [", e.wave_id(), "] ", e.display_name(), ", ",
                        v1::Channel_Name(e.channel()), ", ", Iso(e.start_date()), "..",
                        Iso(e.end_date()), ", ", v1::CampaignState_Name(e.state()), ", ",
                        e.marketing_plan());
  };
  REQUIRE(entries.size() == 2);
  CHECK(describe(entries[0]) ==
        "campaigns/autumn [] Retention autumn 2027, CHANNEL_UNSPECIFIED, 2027-9-1..2027-11-30, "
        "CAMPAIGN_STATE_RUNNING, marketingPlans/plan-2027");
  CHECK(describe(entries[1]) ==
        "campaigns/autumn [c] Wave c, CHANNEL_PHONE, 2027-9-15..2027-10-15, "
        "CAMPAIGN_STATE_RUNNING, marketingPlans/plan-2027");
}

}  // namespace crm::marketing::campaign_rules_testing
